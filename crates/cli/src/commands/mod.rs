//! One module a subcommand: each adapts its arguments to the domain rules and prints the answer.

pub mod amount_words;
pub mod appeal_check;
pub mod bench;
pub mod bench_import;
pub mod bench_interface;
pub mod bench_invoices;
pub mod bench_sandbox;
pub mod bench_store;
pub mod check_oauth;
pub mod credit_code;
pub mod field;
pub mod gateway;
pub mod import;
pub mod interface;
pub mod invoice;
pub mod invoice_rules;
pub mod lookup;
pub mod merchant_change;
pub mod refund_rule;
pub mod sandbox;
pub mod serve;
pub mod settlement_schedule;
pub mod sign;
pub mod store;
pub mod tax;
pub mod working_days;
