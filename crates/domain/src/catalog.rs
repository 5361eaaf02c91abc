//! Access types (接入类型), billing modes (计费模式) and the tax product (税务产品) their combination maps to [KG §1].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary: kebab-case names (the CLI's and JSON's, and with the `ts` feature a TypeScript
/// string union of them), Chinese labels, `FromStr` that lists the accepted names on failure, and `Display`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $kebab:literal, $zh:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used by the CLI and in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $kebab),+ }
            }

            /// The name KooGallery's Chinese console uses.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($kebab | $zh => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        what: $what,
                        value: s.to_string(),
                        accepted: vec![$($kebab),+],
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A name outside a closed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a known {what}: expected one of {}", accepted.join(", "))]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
    pub accepted: Vec<&'static str>,
}

vocabulary! {
    /// How a product is delivered to the buyer (接入类型) [KG §1].
    AccessType, "access type" {
        Saas = "saas", "SaaS";
        License = "license", "License";
        Image = "image", "镜像";
        Hardware = "hardware", "硬件";
        Api = "api", "API";
        AiAsset = "ai-asset", "AI资产";
        DataAsset = "data-asset", "数据资产";
        ManualService = "manual-service", "人工服务";
        AppOrchestration = "app-orchestration", "应用编排";
    }
}

vocabulary! {
    /// How a product is charged (计费模式) [KG §1].
    BillingMode, "billing mode" {
        Period = "period", "包周期";
        OneTime = "one-time", "一次性";
        OnDemand = "on-demand", "按需";
        OnDemandPackage = "on-demand-package", "按需套餐包";
        PerCall = "per-call", "按次";
        PerCallPackage = "per-call-package", "按次套餐包";
        PerQuantity = "per-quantity", "按数";
    }
}

vocabulary! {
    /// The tax classification KooGallery settles by and the merchant invoices by (税务产品) [KG §1].
    TaxProduct, "tax product" {
        Software = "software", "软件";
        Hardware = "hardware", "硬件";
        Service = "service", "服务";
    }
}

/// An access type and billing mode that KooGallery's table does not map [KG §1]: reported, never defaulted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no tax product for access type `{access_type}` with billing mode `{billing_mode}`: \
     {access_type} products are billed {}", allowed_modes(*access_type).iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")
)]
pub struct NoTaxMapping {
    pub access_type: AccessType,
    pub billing_mode: BillingMode,
}

/// The billing modes KooGallery allows for an access type [KG §1].
pub fn allowed_modes(access_type: AccessType) -> &'static [BillingMode] {
    use AccessType as A;
    use BillingMode as B;
    match access_type {
        A::Hardware => &[B::OneTime, B::PerQuantity],
        A::License => &[B::OneTime, B::Period],
        A::Image => &[B::OnDemand, B::Period],
        A::Saas => &[B::Period, B::OneTime, B::OnDemandPackage, B::OnDemand],
        A::Api => &[B::PerCallPackage, B::PerCall, B::OnDemandPackage, B::OnDemand],
        A::AiAsset => &[B::PerCallPackage, B::PerCall],
        A::DataAsset => &[B::OneTime, B::Period],
        A::ManualService => &[B::Period, B::OneTime],
        A::AppOrchestration => &[B::Period, B::OneTime],
    }
}

/// The tax product of an access type × billing mode [KG §1].
///
/// Manual service and app orchestration map to service: the docs' rows were not recoverable and both are IT
/// services (KooDesk convention, stated in KOOGALLERY.md §1).
pub fn tax_product(access_type: AccessType, billing_mode: BillingMode) -> Result<TaxProduct, NoTaxMapping> {
    use AccessType as A;
    use BillingMode as B;
    if !allowed_modes(access_type).contains(&billing_mode) {
        return Err(NoTaxMapping { access_type, billing_mode });
    }
    Ok(match (access_type, billing_mode) {
        (A::Hardware, _) => TaxProduct::Hardware,
        (A::License, B::OneTime) => TaxProduct::Software,
        (A::AiAsset, _) => TaxProduct::Software,
        (A::DataAsset, B::OneTime) => TaxProduct::Software,
        _ => TaxProduct::Service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessType as A;
    use BillingMode as B;
    use TaxProduct as T;

    /// Every row of the table in KOOGALLERY.md §1.
    #[test]
    fn reference_table() {
        let rows: &[(A, &[B], T)] = &[
            (A::Hardware, &[B::OneTime, B::PerQuantity], T::Hardware),
            (A::License, &[B::OneTime], T::Software),
            (A::License, &[B::Period], T::Service),
            (A::Image, &[B::OnDemand, B::Period], T::Service),
            (A::Saas, &[B::Period, B::OneTime, B::OnDemandPackage, B::OnDemand], T::Service),
            (A::Api, &[B::PerCallPackage, B::PerCall, B::OnDemandPackage, B::OnDemand], T::Service),
            (A::AiAsset, &[B::PerCallPackage, B::PerCall], T::Software),
            (A::DataAsset, &[B::OneTime], T::Software),
            (A::DataAsset, &[B::Period], T::Service),
            (A::ManualService, &[B::Period, B::OneTime], T::Service),
            (A::AppOrchestration, &[B::Period, B::OneTime], T::Service),
        ];
        let mut mapped = 0;
        for (a, modes, t) in rows {
            for m in *modes {
                assert_eq!(tax_product(*a, *m), Ok(*t), "{a} × {m}");
                mapped += 1;
            }
        }
        // Everything not in the table is an error.
        let total_ok = A::ALL
            .iter()
            .flat_map(|a| B::ALL.iter().map(move |m| (*a, *m)))
            .filter(|(a, m)| tax_product(*a, *m).is_ok())
            .count();
        assert_eq!(total_ok, mapped);
    }

    #[test]
    fn no_mapping_names_both_values() {
        let e = tax_product(A::Api, B::Period).expect_err("api is never billed by period");
        let msg = e.to_string();
        assert!(msg.contains("`api`") && msg.contains("`period`"), "{msg}");
        assert!(msg.contains("per-call"), "lists what is allowed: {msg}");
    }

    #[test]
    fn names_parse_in_english_and_chinese() {
        assert_eq!("ai-asset".parse::<A>(), Ok(A::AiAsset));
        assert_eq!("人工服务".parse::<A>(), Ok(A::ManualService));
        assert_eq!("按需套餐包".parse::<B>(), Ok(B::OnDemandPackage));
        let e = "monthly".parse::<B>().expect_err("unknown");
        assert!(e.to_string().contains("`monthly`") && e.to_string().contains("per-quantity"));
        for a in A::ALL {
            assert_eq!(a.as_str().parse::<A>(), Ok(*a));
            assert_eq!(serde_json::to_value(a).expect("json"), serde_json::json!(a.as_str()));
        }
    }
}
