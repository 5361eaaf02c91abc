//! Invoice documents in and out [KG §2]:
//! - [`batch`]: drafts and issued invoices as CSV and XLSX, one row per invoice line, for the tax system's batch
//!   import (and read back in tests);
//! - [`buyers`]: the seller's buyer list (title, taxpayer ID, address, bank) read from CSV or XLSX, validated
//!   whole before anything is stored;
//! - [`import`]: the Seller Console's exports (订单列表, 交易明细, 账单, 详单) from XLSX or CSV into records, headers
//!   recognised by name (`REAL-DATA.md` §2).

pub mod batch;
pub mod buyers;
pub mod import;
pub mod pdf;
