//! Invoice documents in and out [KG §2], rendered from domain values (the crate knows no store):
//! - [`invoice`]: the invoice a document is made of, drafted or issued;
//! - [`batch`]: drafts and issued invoices as CSV and XLSX, one row per invoice line, for the tax system's batch
//!   import (and read back in tests);
//! - [`buyers`]: the seller's buyer list (title, taxpayer ID, address, bank) read from CSV or XLSX, validated
//!   whole before anything is stored;
//! - [`pdf`]: one invoice as a PDF laid out like a 数电票;
//! - [`import`]: the Seller Console's exports (订单列表, 交易明细, 账单, 详单) from XLSX or CSV into records, headers
//!   recognised by name (`REAL-DATA.md` §2).

pub mod batch;
pub mod buyers;
pub mod import;
pub mod invoice;
pub mod pdf;
