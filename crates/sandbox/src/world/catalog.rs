//! The sandbox's buyers and products: every access type and billing mode, deterministic from the seed.

use koodesk_domain::catalog::{self, AccessType, BillingMode};
use koodesk_domain::credit_code;
use koodesk_domain::invoice::Channel;
use koodesk_domain::money::Cny;
use koodesk_domain::refund;
use koodesk_domain::supervision::{ProductType, Scenario};
use koodesk_protocol::feed::{BuyerKind, BuyerRef, ProductRef};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct Buyer {
    pub id: String,
    pub name: String,
    pub kind: BuyerKind,
    pub taxpayer_id: Option<String>,
    /// For joint-operation orders: the buyer's track.
    pub scenario: Scenario,
}

impl Buyer {
    pub fn reference(&self) -> BuyerRef {
        BuyerRef {
            buyer_id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            taxpayer_id: self.taxpayer_id.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub access_type: AccessType,
    pub billing_mode: BillingMode,
    pub supervised: bool,
    pub product_type: Option<ProductType>,
    pub channel: Channel,
    pub price: Cny,
}

impl Product {
    pub fn reference(&self) -> ProductRef {
        ProductRef {
            product_id: self.id.clone(),
            name: self.name.clone(),
            access_type: self.access_type,
            billing_mode: self.billing_mode,
            supervised: self.supervised,
            product_type: self.product_type,
            channel: self.channel,
        }
    }

    /// Whether it is refunded by the 5-day no-reason rule.
    pub fn five_day_refundable(&self) -> bool {
        refund::policy(self.access_type, self.billing_mode, self.supervised)
            .is_ok_and(|p| p.rule == refund::RefundRule::FiveDayFull)
    }
}

const CITIES: &[&str] = &["北京", "上海", "深圳", "杭州", "成都", "武汉", "南京", "西安", "苏州", "广州"];
const WORDS: &[&str] =
    &["云智", "数联", "华信", "星辰", "远航", "启明", "博睿", "中科", "卓越", "新元", "锐思", "汇通"];
const TRADES: &[&str] = &["科技", "信息技术", "软件", "网络科技", "数据科技", "智能科技"];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"];
const DIVISIONS: &[&str] = &["110108", "310115", "440305", "330106", "510107", "420106", "320102", "610113"];

/// A valid unified social credit code for an enterprise.
fn credit_code(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut first17 = String::from("91");
    first17.push_str(DIVISIONS.choose(rng).copied().unwrap_or("110108"));
    for _ in 0..9 {
        first17.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
    }
    let check = credit_code::check_character(&first17).unwrap_or('0');
    first17.push(check);
    first17
}

pub fn buyers(rng: &mut ChaCha8Rng, count: usize) -> Vec<Buyer> {
    (0..count.max(1))
        .map(|i| {
            let enterprise = rng.gen_bool(0.7);
            let (name, kind, taxpayer_id) = if enterprise {
                let name = format!(
                    "{}{}{}有限公司",
                    CITIES.choose(rng).copied().unwrap_or("北京"),
                    WORDS.choose(rng).copied().unwrap_or("云智"),
                    TRADES.choose(rng).copied().unwrap_or("科技")
                );
                // Most enterprises give their taxpayer ID; some do not.
                let id = rng.gen_bool(0.85).then(|| credit_code(rng));
                (name, BuyerKind::Enterprise, id)
            } else {
                let name = format!(
                    "{}{}{}",
                    SURNAMES.choose(rng).copied().unwrap_or("王"),
                    GIVEN.choose(rng).copied().unwrap_or("伟"),
                    if rng.gen_bool(0.5) { GIVEN.choose(rng).copied().unwrap_or("") } else { "" }
                );
                (name, BuyerKind::Person, None)
            };
            let scenario = match rng.gen_range(0..10) {
                0..=1 => Scenario::EmpowermentCloud,
                2 => Scenario::BaseCloud,
                _ => Scenario::Other,
            };
            Buyer { id: format!("B{:06}", i + 1), name, kind, taxpayer_id, scenario }
        })
        .collect()
}

const APPS: &[&str] =
    &["智能客服", "协同办公", "电子签章", "财务云", "安全审计", "数据中台", "视频会议", "CRM", "ERP", "知识库"];

fn product_type(access: AccessType, rng: &mut ChaCha8Rng) -> Option<ProductType> {
    match access {
        AccessType::ManualService => Some(ProductType::ManualService),
        AccessType::Hardware => Some(ProductType::Hardware),
        AccessType::AppOrchestration => Some(ProductType::AppOrchestration),
        AccessType::DataAsset => Some(ProductType::DataFile),
        AccessType::License => Some(
            *[ProductType::License2, ProductType::License1, ProductType::LicenseOffline, ProductType::SoftwarePackage]
                .choose(rng)
                .unwrap_or(&ProductType::License2),
        ),
        AccessType::Saas => Some(ProductType::ManualService),
        _ => None,
    }
}

fn price(billing: BillingMode, rng: &mut ChaCha8Rng) -> Cny {
    let yuan: &[i64] = match billing {
        BillingMode::Period => &[99, 199, 980, 1980, 5800, 12800, 36000],
        BillingMode::OneTime | BillingMode::PerQuantity => &[49, 299, 1500, 4999, 18800, 68000],
        BillingMode::OnDemand | BillingMode::OnDemandPackage => &[10, 50, 200, 1000],
        BillingMode::PerCall | BillingMode::PerCallPackage => &[1, 5, 100, 500, 2000],
    };
    let base = yuan.choose(rng).copied().unwrap_or(99);
    // Some prices end in .50 to exercise 角 in capitals.
    Cny::from_fen(base * 100 + if rng.gen_bool(0.2) { 50 } else { 0 })
}

/// Products: first one of every mapped access type × billing mode, then more at random, up to `count`.
pub fn products(rng: &mut ChaCha8Rng, count: usize) -> Vec<Product> {
    let mut combos: Vec<(AccessType, BillingMode)> =
        AccessType::ALL.iter().flat_map(|a| catalog::allowed_modes(*a).iter().map(move |m| (*a, *m))).collect();
    let all = combos.clone();
    while combos.len() < count {
        combos.push(*all.choose(rng).unwrap_or(&all[0]));
    }
    combos
        .into_iter()
        .enumerate()
        .map(|(i, (access_type, billing_mode))| {
            let supervised = match refund::supervision_of(access_type) {
                Some(s) => s,
                None => rng.gen_bool(0.4),
            };
            let product_type = if supervised { product_type(access_type, rng) } else { None };
            let channel = if rng.gen_bool(0.12) { Channel::JointOperation } else { Channel::General };
            let name = format!(
                "{} {} {}版",
                APPS.choose(rng).copied().unwrap_or("智能客服"),
                access_type.zh(),
                ["标准", "专业", "企业", "旗舰"].choose(rng).copied().unwrap_or("标准")
            );
            Product {
                id: format!("P{:05}", i + 1),
                name,
                access_type,
                billing_mode,
                supervised,
                product_type,
                channel,
                price: price(billing_mode, rng),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_combination_is_sold_and_codes_are_valid() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let ps = products(&mut rng, 10);
        let combos = AccessType::ALL.iter().map(|a| catalog::allowed_modes(*a).len()).sum::<usize>();
        assert!(ps.len() >= combos);
        for p in &ps {
            assert!(catalog::tax_product(p.access_type, p.billing_mode).is_ok());
            assert_eq!(p.supervised, p.product_type.is_some(), "{p:?}");
        }
        for b in buyers(&mut rng, 300) {
            if let Some(id) = &b.taxpayer_id {
                assert!(credit_code::validate(id).is_ok(), "{id}");
            }
        }
    }
}
