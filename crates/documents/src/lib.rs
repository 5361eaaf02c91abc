//! Invoice documents in and out [KG §2]:
//! - [`batch`]: drafts and issued invoices as CSV and XLSX, one row per invoice line, for the tax system's batch
//!   import (and read back in tests);
//! - [`buyers`]: the seller's buyer list (title, taxpayer ID, address, bank) read from CSV or XLSX, validated
//!   whole before anything is stored.

pub mod batch;
pub mod buyers;
pub mod pdf;
