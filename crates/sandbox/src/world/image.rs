//! An image product's order in the emulated marketplace [KG §9]: the buyer pays the image fee (the seller's, the
//! order's `amount`) and, with it, the cloud server the image runs on, which is Huawei Cloud's. The server fee is
//! made from the order itself (its list price and ID), so it adds nothing to the world's random stream and the
//! same seed makes the same marketplace. An enterprise buyer's server is in an enterprise project.

use koodesk_domain::catalog::AccessType;
use koodesk_domain::money::Cny;
use koodesk_protocol::feed::{BuyerKind, FeedImage};

use super::World;

/// The enterprise project an enterprise buyer's server goes in (the project every enterprise account has).
pub const ENTERPRISE_PROJECT: &str = "default";

impl World {
    /// The cloud server charge of an image order; `None` for every other access type.
    pub fn image_charges(&self, oi: usize) -> Option<FeedImage> {
        let o = &self.orders[oi];
        if self.products[o.product].access_type != AccessType::Image {
            return None;
        }
        // One to four times the image's list price, by the order ID: an ECS flavour is usually worth more than
        // the image on it.
        let times = 1 + o.id.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 4;
        let fen = o.list_price.to_fen()?.checked_mul(i64::from(times))?;
        let enterprise = self.buyers[o.buyer].kind == BuyerKind::Enterprise;
        Some(FeedImage {
            cloud_server_fee: Cny::from_fen(fen),
            enterprise_project: enterprise.then(|| ENTERPRISE_PROJECT.to_string()),
        })
    }
}
