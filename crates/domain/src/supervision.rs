//! Service supervision (服务监管): the per-product state machines and their clocks [KG §3].
//!
//! A [`Flow`] is one order's supervision. Each step belongs to one [`Side`]; [`Flow::apply`] moves it by an
//! [`Action`] taken by a side, and refuses anything the rules do not allow, leaving the flow as it was. Every
//! accepted move is appended to the flow's history; nothing in it is rewritten.
//!
//! Conventions (KooDesk's, where KOOGALLERY.md §3 leaves room):
//! - "more than 5 days" is strictly more than 120 hours since the step began; `*_may_appeal_at` is the instant
//!   the 120 hours run out, and the appeal is possible strictly after it.
//! - "more than 3 rejections" counts every rejection in the flow, by either side or by the re-review; from the
//!   4th on the user may appeal at any time.
//! - An appeal freezes the flow; when operations resolve it, the current step's clock starts again.
//! - Re-review rejections send the delivery back to the merchant and count as rejections.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::time::{self, Instant};

/// The supervised product types, each with its own flow [KG §3].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProductType {
    /// 人工服务 (标准服务流).
    ManualService,
    /// 硬件.
    Hardware,
    /// License 2.0: online authorization code (授权码).
    License2,
    /// License 1.0: system or hardware identification code (识别码).
    License1,
    /// License delivered offline.
    LicenseOffline,
    /// License software-package deployment.
    SoftwarePackage,
    /// 应用编排.
    AppOrchestration,
    /// 数据文件.
    DataFile,
}

impl ProductType {
    pub const ALL: [ProductType; 8] = [
        ProductType::ManualService,
        ProductType::Hardware,
        ProductType::License2,
        ProductType::License1,
        ProductType::LicenseOffline,
        ProductType::SoftwarePackage,
        ProductType::AppOrchestration,
        ProductType::DataFile,
    ];

    pub fn is_license(self) -> bool {
        matches!(
            self,
            ProductType::License2 | ProductType::License1 | ProductType::LicenseOffline | ProductType::SoftwarePackage
        )
    }

    /// The first step of the flow.
    pub fn first_step(self) -> Step {
        match self {
            ProductType::ManualService | ProductType::DataFile => Step::SubmitRequirements,
            ProductType::License2 => Step::ConfirmCode,
            ProductType::License1 => Step::SubmitCode,
            ProductType::Hardware
            | ProductType::LicenseOffline
            | ProductType::SoftwarePackage
            | ProductType::AppOrchestration => Step::Implement,
        }
    }

    /// Every step of the flow, in order [KG §3]. The re-review (华为云复核) is in each flow: whether an order
    /// passes through it depends on its channel and scenario ([`needs_rereview`]), not on the product type.
    pub fn steps(self) -> &'static [Step] {
        use Step::*;
        match self {
            ProductType::ManualService | ProductType::DataFile => {
                &[SubmitRequirements, ConfirmRequirements, Implement, Accept, ReReview, Completed]
            }
            ProductType::License2 => &[ConfirmCode, ActivateCode, UploadProof, ReReview, Completed],
            ProductType::License1 => &[SubmitCode, Implement, Accept, ReReview, Completed],
            ProductType::Hardware
            | ProductType::LicenseOffline
            | ProductType::SoftwarePackage
            | ProductType::AppOrchestration => &[Implement, Accept, ReReview, Completed],
        }
    }

    /// The step the merchant delivers in; rejections of the delivery return here.
    pub fn delivery_step(self) -> Step {
        match self {
            ProductType::License2 => Step::UploadProof,
            _ => Step::Implement,
        }
    }
}

/// Whose move it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Side {
    User,
    Merchant,
    /// Huawei Cloud: the re-review, automatic acceptance, operations deciding an appeal.
    Platform,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::User => "user",
            Side::Merchant => "merchant",
            Side::Platform => "platform",
        }
    }
}

/// A step of a supervision flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Step {
    /// 用户提交需求.
    SubmitRequirements,
    /// 商家确认需求.
    ConfirmRequirements,
    /// The merchant implements or delivers (实施服务, 发货, 交付, 部署): delivery proof, logistics or deployment.
    Implement,
    /// License 2.0: the user takes the authorization code and confirms receipt.
    ConfirmCode,
    /// License 2.0: 授权码激活, passed when the merchant calls the activation API.
    ActivateCode,
    /// License 2.0: the merchant uploads delivery proof; then accepted automatically.
    UploadProof,
    /// License 1.0: the user submits the system or hardware identification code.
    SubmitCode,
    /// 用户确认验收 (or, for a software package, the user confirms completion).
    Accept,
    /// 华为云复核.
    ReReview,
    /// 服务完成.
    Completed,
}

impl Step {
    /// The side whose move it is; `None` once completed.
    pub fn side(self) -> Option<Side> {
        match self {
            Step::SubmitRequirements | Step::ConfirmCode | Step::SubmitCode | Step::Accept => Some(Side::User),
            Step::ConfirmRequirements | Step::Implement | Step::ActivateCode | Step::UploadProof => {
                Some(Side::Merchant)
            }
            Step::ReReview => Some(Side::Platform),
            Step::Completed => None,
        }
    }

    /// The step's name in the seller console, for a product type.
    pub fn zh(self, product: ProductType) -> &'static str {
        match (self, product) {
            (Step::SubmitRequirements, _) => "用户提交需求",
            (Step::ConfirmRequirements, _) => "商家确认需求",
            (Step::Implement, ProductType::Hardware) => "商家发货",
            (Step::Implement, ProductType::License1) => "商家交付",
            (Step::Implement, ProductType::LicenseOffline) => "商家线下交付",
            (Step::Implement, ProductType::SoftwarePackage) => "软件包部署",
            (Step::Implement, _) => "商家实施服务",
            (Step::ConfirmCode, _) => "用户确认授权码",
            (Step::ActivateCode, _) => "授权码激活",
            (Step::UploadProof, _) => "上传交付凭证",
            (Step::SubmitCode, _) => "用户提交识别码",
            (Step::Accept, ProductType::SoftwarePackage) => "用户确认完成",
            (Step::Accept, _) => "用户确认验收",
            (Step::ReReview, _) => "华为云复核",
            (Step::Completed, _) => "服务完成",
        }
    }
}

/// The seller-console path where supervision is handled [KG §3].
pub const SELLER_PATH: &str = "交付管理 > 服务监管";

/// What a side does to a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// The user submits requirements or an identification code, or confirms receipt of a License code.
    Submit,
    /// The merchant confirms the requirements.
    Confirm,
    /// Sends the step back: the merchant rejects requirements, the user rejects a delivery, the re-review rejects.
    Reject { reason: String },
    /// The merchant delivers: uploads delivery proof (or the acceptance document for a data file), ships with a
    /// logistics number, or reports a deployment done.
    Deliver { proof: String },
    /// License 2.0: the merchant's activation API call passed.
    Activate,
    /// The user accepts, or the platform's re-review passes.
    Accept,
    /// The platform accepts on the user's behalf (hardware 10 days after signature).
    AutoAccept,
    /// Logistics report the parcel signed for; `phone_matches` is false when the signer's phone is not the order's.
    ParcelSigned { phone_matches: bool },
    /// A side appeals (申诉); the flow freezes.
    Appeal { reason: String },
    /// Operations decide an appeal: the flow resumes, or is completed.
    ResolveAppeal { complete: bool },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Confirm => "confirm",
            Action::Reject { .. } => "reject",
            Action::Deliver { .. } => "deliver",
            Action::Activate => "activate",
            Action::Accept => "accept",
            Action::AutoAccept => "auto-accept",
            Action::ParcelSigned { .. } => "parcel-signed",
            Action::Appeal { .. } => "appeal",
            Action::ResolveAppeal { .. } => "resolve-appeal",
        }
    }
}

/// One accepted move: the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: Step,
    pub to: Step,
    pub action: Action,
    pub actor: Side,
    pub at: Instant,
}

/// An appeal in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub by: Side,
    pub at: Instant,
}

/// Why a move was refused. The flow is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisionError {
    #[error("`{action}` is not allowed at step {step:?} of a {product:?} flow")]
    Illegal { product: ProductType, step: Step, action: &'static str },
    #[error("`{action}` at step {step:?} is the {expected}'s move, not the {actor}'s")]
    WrongSide { step: Step, action: &'static str, expected: &'static str, actor: &'static str },
    #[error("the flow is frozen by the {by}'s appeal of {since}; only operations can resolve it")]
    Frozen { by: &'static str, since: String },
    #[error("the flow is not under appeal")]
    NotFrozen,
    #[error("the flow is completed; nothing more can happen to it")]
    Completed,
    #[error("the {side} may not appeal yet: {why}")]
    AppealNotOpen { side: &'static str, why: String },
    #[error("automatic acceptance {why}")]
    AutoAcceptNotDue { why: String },
    #[error("a move at {at} comes before the step began ({started}); moves must be in time order")]
    OutOfOrder { at: String, started: String },
}

/// A joint-operation order's scenario, for the re-review rule [KG §3].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// 赋能云: the user is on the empowerment-cloud track or used its cash coupon.
    EmpowermentCloud,
    /// 基地云: the user is on the base-cloud track or used its coupon.
    BaseCloud,
    #[default]
    Other,
}

/// Whether an order's supervision ends with Huawei Cloud's re-review (华为云复核) [KG §3].
///
/// Only joint-operation orders. Empowerment-cloud orders: always. Base-cloud orders: those ordered after
/// 2024-09-14. License orders ordered on or before 2023-04-28: in every scenario (the cut-over after which
/// only the empowerment-cloud scenario keeps it). "After D" means a Beijing order date later than D.
pub fn needs_rereview(product: ProductType, joint_operation: bool, scenario: Scenario, order_date: NaiveDate) -> bool {
    if !joint_operation {
        return false;
    }
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| unreachable!("valid date"));
    let license_before_cutover = product.is_license() && order_date <= date(2023, 4, 28);
    match scenario {
        Scenario::EmpowermentCloud => true,
        Scenario::BaseCloud => order_date > date(2024, 9, 14) || license_before_cutover,
        Scenario::Other => license_before_cutover,
    }
}

/// Hours without progress after which the other side may appeal: "more than 5 days" [KG §3].
pub const STALL_HOURS: i64 = 120;
/// Rejections after which the user may appeal: "more than 3" [KG §3].
pub const MAX_REJECTIONS: u32 = 3;
/// Days after signature when hardware is accepted automatically [KG §3].
pub const HARDWARE_AUTO_ACCEPT_DAYS: i64 = 10;

/// Who may appeal, and from when, for a step on `side` that began at `since` after `rejections` rejections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AppealClocks {
    /// The merchant may appeal strictly after this (the user's step stalled); `None`: that clock does not run.
    pub merchant_may_appeal_at: Option<Instant>,
    /// The user may appeal strictly after this when the merchant's step stalls, or from this instant when the
    /// rejections are past 3; `None`: that clock does not run.
    pub user_may_appeal_at: Option<Instant>,
    /// Whether the user's right comes from the rejection count (then it holds from `user_may_appeal_at` itself).
    pub user_by_rejections: bool,
}

impl AppealClocks {
    /// The clocks for a step on `side` since `since` [KG §3].
    pub fn new(side: Side, since: Instant, rejections: u32) -> AppealClocks {
        let stalled_at = since + Duration::hours(STALL_HOURS);
        let by_rejections = rejections > MAX_REJECTIONS;
        let (merchant, user_stall) = match side {
            Side::User => (Some(stalled_at), None),
            Side::Merchant => (None, Some(stalled_at)),
            Side::Platform => (None, None),
        };
        let user = if by_rejections { Some(since) } else { user_stall };
        AppealClocks { merchant_may_appeal_at: merchant, user_may_appeal_at: user, user_by_rejections: by_rejections }
    }

    pub fn merchant_may_appeal(&self, now: Instant) -> bool {
        self.merchant_may_appeal_at.is_some_and(|at| now > at)
    }

    pub fn user_may_appeal(&self, now: Instant) -> bool {
        match self.user_may_appeal_at {
            Some(at) if self.user_by_rejections => now >= at,
            Some(at) => now > at,
            None => false,
        }
    }

    pub fn may_appeal(&self, side: Side, now: Instant) -> bool {
        match side {
            Side::Merchant => self.merchant_may_appeal(now),
            Side::User => self.user_may_appeal(now),
            Side::Platform => false,
        }
    }
}

/// Hardware parcel state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    pub signed_at: Instant,
    pub phone_matches: bool,
}

/// One order's service supervision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    product: ProductType,
    rereview: bool,
    step: Step,
    step_started_at: Instant,
    rejections: u32,
    appeal: Option<Appeal>,
    parcel: Option<Parcel>,
    history: Vec<Transition>,
}

impl Flow {
    /// A new flow at its first step. `rereview`: see [`needs_rereview`].
    pub fn start(product: ProductType, rereview: bool, at: Instant) -> Flow {
        Flow {
            product,
            rereview,
            step: product.first_step(),
            step_started_at: at,
            rejections: 0,
            appeal: None,
            parcel: None,
            history: Vec::new(),
        }
    }

    pub fn product(&self) -> ProductType {
        self.product
    }
    pub fn step(&self) -> Step {
        self.step
    }
    pub fn step_started_at(&self) -> Instant {
        self.step_started_at
    }
    pub fn rejections(&self) -> u32 {
        self.rejections
    }
    pub fn appeal(&self) -> Option<&Appeal> {
        self.appeal.as_ref()
    }
    pub fn is_frozen(&self) -> bool {
        self.appeal.is_some()
    }
    pub fn is_completed(&self) -> bool {
        self.step == Step::Completed
    }
    pub fn rereview(&self) -> bool {
        self.rereview
    }
    pub fn parcel(&self) -> Option<Parcel> {
        self.parcel
    }
    pub fn history(&self) -> &[Transition] {
        &self.history
    }

    /// The appeal clocks now; `None` while frozen or completed (no clock runs).
    pub fn clocks(&self) -> Option<AppealClocks> {
        if self.is_frozen() {
            return None;
        }
        self.step.side().map(|side| AppealClocks::new(side, self.step_started_at, self.rejections))
    }

    /// When hardware will be accepted automatically: 10 days after signature, if the signer's phone matched and
    /// the user has not yet accepted [KG §3].
    pub fn auto_accept_at(&self) -> Option<Instant> {
        match (self.product, self.step, self.parcel) {
            (ProductType::Hardware, Step::Accept, Some(p)) if p.phone_matches && !self.is_frozen() => {
                Some(p.signed_at + Duration::days(HARDWARE_AUTO_ACCEPT_DAYS))
            }
            _ => None,
        }
    }

    /// The step after acceptance: re-review or completion.
    fn after_acceptance(&self) -> Step {
        if self.rereview {
            Step::ReReview
        } else {
            Step::Completed
        }
    }

    /// Applies a move by `actor` at `at`. On error, the flow is unchanged.
    pub fn apply(&mut self, actor: Side, action: Action, at: Instant) -> Result<&Transition, SupervisionError> {
        if self.is_completed() {
            return Err(SupervisionError::Completed);
        }
        if at < self.step_started_at {
            return Err(SupervisionError::OutOfOrder {
                at: time::format_rfc3339(&at),
                started: time::format_rfc3339(&self.step_started_at),
            });
        }
        if let Some(appeal) = &self.appeal {
            if !matches!(action, Action::ResolveAppeal { .. }) {
                return Err(SupervisionError::Frozen {
                    by: appeal.by.as_str(),
                    since: time::format_rfc3339(&appeal.at),
                });
            }
        }
        let to = self.next_step(actor, &action, at)?;

        // Committed from here on.
        let from = self.step;
        match &action {
            Action::Reject { .. } => self.rejections += 1,
            Action::Appeal { .. } => self.appeal = Some(Appeal { by: actor, at }),
            Action::ResolveAppeal { .. } => self.appeal = None,
            Action::ParcelSigned { phone_matches } => {
                self.parcel = Some(Parcel { signed_at: at, phone_matches: *phone_matches });
            }
            _ => {}
        }
        // A step's clock restarts when the step changes, and when an appeal is resolved.
        if to != from || matches!(action, Action::ResolveAppeal { .. }) {
            self.step_started_at = at;
        }
        self.step = to;
        self.history.push(Transition { from, to, action, actor, at });
        Ok(self.history.last().unwrap_or_else(|| unreachable!("just pushed")))
    }

    /// The step `action` by `actor` leads to, or why it may not happen.
    fn next_step(&self, actor: Side, action: &Action, at: Instant) -> Result<Step, SupervisionError> {
        use Step as S;
        let illegal = || SupervisionError::Illegal { product: self.product, step: self.step, action: action.name() };
        let expect = |side: Side| {
            if actor == side {
                Ok(())
            } else {
                Err(SupervisionError::WrongSide {
                    step: self.step,
                    action: action.name(),
                    expected: side.as_str(),
                    actor: actor.as_str(),
                })
            }
        };
        let product = self.product;
        match action {
            Action::Appeal { .. } => {
                let clocks = self.clocks().ok_or_else(illegal)?;
                if actor == Side::Platform {
                    return Err(illegal());
                }
                if !clocks.may_appeal(actor, at) {
                    return Err(SupervisionError::AppealNotOpen {
                        side: actor.as_str(),
                        why: self.why_not_open(actor),
                    });
                }
                Ok(self.step)
            }
            Action::ResolveAppeal { complete } => {
                expect(Side::Platform)?;
                if self.appeal.is_none() {
                    return Err(SupervisionError::NotFrozen);
                }
                Ok(if *complete { S::Completed } else { self.step })
            }
            Action::Submit => {
                expect(Side::User)?;
                match self.step {
                    S::SubmitRequirements => Ok(S::ConfirmRequirements),
                    S::ConfirmCode => Ok(S::ActivateCode),
                    S::SubmitCode => Ok(S::Implement),
                    _ => Err(illegal()),
                }
            }
            Action::Confirm => {
                expect(Side::Merchant)?;
                match self.step {
                    S::ConfirmRequirements => Ok(S::Implement),
                    _ => Err(illegal()),
                }
            }
            Action::Activate => {
                expect(Side::Merchant)?;
                match self.step {
                    S::ActivateCode => Ok(S::UploadProof),
                    _ => Err(illegal()),
                }
            }
            Action::Deliver { .. } => {
                expect(Side::Merchant)?;
                match self.step {
                    S::Implement => Ok(S::Accept),
                    // License 2.0 is accepted automatically once the proof is up.
                    S::UploadProof => Ok(self.after_acceptance()),
                    _ => Err(illegal()),
                }
            }
            Action::Reject { .. } => match self.step {
                S::ConfirmRequirements => expect(Side::Merchant).map(|()| S::SubmitRequirements),
                S::Accept => expect(Side::User).map(|()| product.delivery_step()),
                S::ReReview => expect(Side::Platform).map(|()| product.delivery_step()),
                _ => Err(illegal()),
            },
            Action::Accept => match self.step {
                S::Accept => expect(Side::User).map(|()| self.after_acceptance()),
                S::ReReview => expect(Side::Platform).map(|()| S::Completed),
                _ => Err(illegal()),
            },
            Action::AutoAccept => {
                expect(Side::Platform)?;
                if product != ProductType::Hardware || self.step != S::Accept {
                    return Err(illegal());
                }
                match (self.parcel, self.auto_accept_at()) {
                    (None, _) => Err(SupervisionError::AutoAcceptNotDue { why: "needs the parcel signed for".into() }),
                    (Some(p), None) if !p.phone_matches => Err(SupervisionError::AutoAcceptNotDue {
                        why: "does not apply: the parcel was signed with a phone other than the order's".into(),
                    }),
                    (_, Some(due)) if at >= due => Ok(self.after_acceptance()),
                    (_, due) => Err(SupervisionError::AutoAcceptNotDue {
                        why: format!("is due at {}", due.map(|d| time::format_rfc3339(&d)).unwrap_or_default()),
                    }),
                }
            }
            Action::ParcelSigned { .. } => {
                expect(Side::Platform)?;
                if product == ProductType::Hardware && self.step == S::Accept {
                    Ok(S::Accept)
                } else {
                    Err(illegal())
                }
            }
        }
    }

    fn why_not_open(&self, side: Side) -> String {
        let clocks = self.clocks();
        let at = |t: Option<Instant>| t.map(|t| time::format_rfc3339(&t)).unwrap_or_default();
        match (side, self.step.side()) {
            (Side::Merchant, Some(Side::User)) => {
                format!("the user's step has not stalled for more than 5 days (after {})", at(clocks.and_then(|c| c.merchant_may_appeal_at)))
            }
            (Side::Merchant, _) => "the merchant may appeal only a stalled step on the user's side".into(),
            (Side::User, Some(Side::Merchant)) => format!(
                "the merchant's step has not stalled for more than 5 days (after {}) and there have been {} of more than 3 rejections",
                at(clocks.and_then(|c| c.user_may_appeal_at)),
                self.rejections
            ),
            _ => format!("the step is not on the merchant's side and there have been {} of more than 3 rejections", self.rejections),
        }
    }
}

#[cfg(test)]
mod tests;
