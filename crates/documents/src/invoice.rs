//! The invoice a document is made of, as values [KG §2]: the drafted content (the domain's [`Draft`]) and what
//! issuing or a red letter added. The documents crate knows no store: its callers map their rows to this.

use koodesk_domain::invoice_draft::Draft;
use koodesk_domain::time::Instant;

/// Where an invoice stands: a draft is not an invoice until issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceState {
    Draft,
    Issued,
}

impl InvoiceState {
    /// The state's code, as the batch's `state` column writes it: `draft` or `issued`.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceState::Draft => "draft",
            InvoiceState::Issued => "issued",
        }
    }
}

impl std::str::FromStr for InvoiceState {
    type Err = String;

    /// `draft` or `issued`; anything else is refused, naming the value.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(InvoiceState::Draft),
            "issued" => Ok(InvoiceState::Issued),
            other => Err(format!("invoice state `{other}`: draft or issued")),
        }
    }
}

/// One invoice, drafted or issued, as the batch files and the PDF render it.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: String,
    pub state: InvoiceState,
    /// The tax system's number, once issued (or recorded from it).
    pub number: Option<String>,
    pub issued_at: Option<Instant>,
    /// 开票人.
    pub issued_by: Option<String>,
    /// A red letter's blue invoice.
    pub red_of: Option<String>,
    /// Why the red letter was drafted, as the seller chose it.
    pub red_reason: Option<String>,
    pub draft: Draft,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_reads_back_from_its_code_and_nothing_else_reads() {
        for s in [InvoiceState::Draft, InvoiceState::Issued] {
            assert_eq!(s.as_str().parse::<InvoiceState>(), Ok(s));
        }
        assert_eq!("void".parse::<InvoiceState>(), Err("invoice state `void`: draft or issued".to_string()));
    }
}
