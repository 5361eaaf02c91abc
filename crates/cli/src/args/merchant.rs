//! Arguments of `koodesk merchant-change`: what a merchant-information change submitted on the Seller Console
//! becomes [KG §6].

use clap::Args;
use koodesk_domain::merchant_info::MerchantField;
use koodesk_domain::time::Instant;

#[derive(Debug, Args)]
pub struct MerchantChangeArgs {
    /// The field changed on 服务商管理 > 服务商信息: contact-mobile, contact-email or other.
    #[arg(long, value_name = "FIELD", value_parser = parse_field)]
    pub field: MerchantField,
    /// When it was submitted (YYYY-MM-DDTHH:MM:SS, Beijing time without an offset); the review's 3 working days
    /// count from its Beijing date.
    #[arg(long, value_name = "DATETIME", value_parser = super::parse_datetime)]
    pub submitted_at: Instant,
    #[arg(long)]
    pub json: bool,
}

fn parse_field(s: &str) -> Result<MerchantField, String> {
    s.parse().map_err(|e: koodesk_domain::catalog::UnknownName| e.to_string())
}
