//! The production interface's result codes [KG §7]: the documented table, so the store's read models and the
//! console can tell a documented code from one outside it without seeing a wire type. `koodesk_protocol`
//! re-exports this module as `koodesk_protocol::result_code` for the bodies that carry a code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `resultCode` of a production-interface reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultCode {
    /// 000000 成功.
    Success,
    /// 000001 鉴权失败.
    AuthFailed,
    /// 000002 请求参数不合法.
    InvalidParameter,
    /// 000003 实例ID不存在.
    InstanceNotFound,
    /// 000004 请求处理中: provisioning asynchronously.
    Processing,
    /// 000005 其它服务内部错误.
    InternalError,
    /// 000100 无可用实例资源分配.
    NoResource,
    /// 000101 mobile number missing or taken.
    MobileTaken,
    /// 000102 e-mail missing or taken.
    EmailTaken,
    /// 000103 already purchased.
    AlreadyPurchased,
    /// 000104 internal service error.
    InternalServiceError,
    /// 000105 benefit already subscribed.
    BenefitSubscribed,
    /// 000106 sold out.
    SoldOut,
    /// 000107 e-mail domain taken.
    EmailDomainTaken,
}

const TABLE: &[(ResultCode, &str, &str)] = &[
    (ResultCode::Success, "000000", "success"),
    (ResultCode::AuthFailed, "000001", "authentication failed"),
    (ResultCode::InvalidParameter, "000002", "invalid parameter"),
    (ResultCode::InstanceNotFound, "000003", "instance not found"),
    (ResultCode::Processing, "000004", "processing"),
    (ResultCode::InternalError, "000005", "internal error"),
    (ResultCode::NoResource, "000100", "no resource available"),
    (ResultCode::MobileTaken, "000101", "mobile number missing or already taken"),
    (ResultCode::EmailTaken, "000102", "e-mail missing or already taken"),
    (ResultCode::AlreadyPurchased, "000103", "already purchased"),
    (ResultCode::InternalServiceError, "000104", "internal service error"),
    (ResultCode::BenefitSubscribed, "000105", "benefit already subscribed"),
    (ResultCode::SoldOut, "000106", "sold out"),
    (ResultCode::EmailDomainTaken, "000107", "e-mail domain already taken"),
];

impl ResultCode {
    pub const ALL: [ResultCode; 14] = [
        ResultCode::Success,
        ResultCode::AuthFailed,
        ResultCode::InvalidParameter,
        ResultCode::InstanceNotFound,
        ResultCode::Processing,
        ResultCode::InternalError,
        ResultCode::NoResource,
        ResultCode::MobileTaken,
        ResultCode::EmailTaken,
        ResultCode::AlreadyPurchased,
        ResultCode::InternalServiceError,
        ResultCode::BenefitSubscribed,
        ResultCode::SoldOut,
        ResultCode::EmailDomainTaken,
    ];

    fn row(self) -> (ResultCode, &'static str, &'static str) {
        TABLE.iter().copied().find(|(c, _, _)| *c == self).unwrap_or_else(|| unreachable!("every code is in TABLE"))
    }

    /// The six-digit code, e.g. `"000004"`.
    pub fn code(self) -> &'static str {
        self.row().1
    }

    /// A short English meaning, usable as `resultMsg`.
    pub fn message(self) -> &'static str {
        self.row().2
    }

    /// Whether KooGallery counts this reply as the interface working: 000000, or 000004 (provisioning, to be polled
    /// with queryInstance) [KG §7]. Used for the dial test's verdict.
    pub fn is_working(self) -> bool {
        matches!(self, ResultCode::Success | ResultCode::Processing)
    }

    /// The code for a six-digit string; `None` if undocumented.
    pub fn parse(code: &str) -> Option<ResultCode> {
        TABLE.iter().find(|(_, c, _)| *c == code).map(|(r, _, _)| *r)
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.message())
    }
}

impl Serialize for ResultCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ResultCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ResultCode::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a documented resultCode")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_success_and_processing_count_as_working() {
        let working: Vec<&str> = TABLE.iter().filter(|(r, _, _)| r.is_working()).map(|(_, c, _)| *c).collect();
        assert_eq!(working, ["000000", "000004"]);
    }

    #[test]
    fn codes_round_trip() {
        for c in ResultCode::ALL {
            assert_eq!(ResultCode::parse(c.code()), Some(c));
            let json = serde_json::to_string(&c).expect("json");
            assert_eq!(serde_json::from_str::<ResultCode>(&json).expect("json"), c);
        }
        assert_eq!(ResultCode::Processing.code(), "000004");
        assert!(serde_json::from_str::<ResultCode>("\"999999\"").is_err());
    }
}
