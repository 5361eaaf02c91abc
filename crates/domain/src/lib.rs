//! KooGallery's seller rules, as pure functions and types.
//!
//! Everything here is deterministic: no I/O, no clock reads ("now" is always a parameter), no floats for money.
//! Each rule cites the section of `shared/reference/KOOGALLERY.md` it implements, written `[KG §n]`.
//!
//! | module | holds |
//! |---|---|
//! | [`time`] | Beijing business time, parsing of dates and date-times |
//! | [`money`] | CNY amounts (`Decimal`, 2 decimals, half away from zero) |
//! | [`capital`] | Chinese capital amounts (大写) |
//! | [`catalog`] | access types, billing modes, tax products |
//! | [`tax`] | effective-dated VAT rates and tax-inclusive splits |
//! | [`credit_code`] | the unified social credit code (GB 32100-2015) |
//! | [`invoice`] | who invoices, deadlines, courier, invoice kinds, grouping by rate |
//! | [`supervision`] | the service-supervision state machines and their clocks |
//! | [`refund`] | unsubscription and refund rules |
//! | [`calendar`] | the mainland-China working-day calendar |
//! | [`settlement`] | the monthly settlement schedule and the platform fee |
//! | [`delisting`] | the failed-orders line past which KooGallery delists a SaaS product |
//! | [`result_code`] | the production interface's documented result codes |
//! | [`listing`] | the listing and onboarding checklist, and the lifecycle cases a SaaS listing needs |
//! | [`merchant_info`] | merchant-information change reviews |
//! | [`problem`] | a caller's argument that broke a rule: field, rule, parameters, the English sentence |
//! | [`seller_export`] | the rows of the Seller Console's exports (orders, transactions, bills, bill lines) |

pub mod calendar;
pub mod call_failure;
pub mod capital;
pub mod catalog;
pub mod credit_code;
pub mod delisting;
pub mod invoice;
pub mod invoice_draft;
pub mod listing;
pub mod merchant_info;
pub mod money;
pub mod problem;
pub mod refund;
pub mod result_code;
pub mod seller_export;
pub mod settlement;
pub mod supervision;
pub mod tax;
pub mod time;
