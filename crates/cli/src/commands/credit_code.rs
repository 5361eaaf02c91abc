use koodesk_domain::credit_code;
use serde::Serialize;

use crate::args::CreditCodeArgs;
use crate::output::{print_json, Failure};

#[derive(Serialize)]
struct CreditCodeOutput {
    code: String,
    valid: bool,
    reason: Option<String>,
}

pub fn run(a: CreditCodeArgs) -> Result<(), Failure> {
    let result = credit_code::validate(&a.code);
    if a.json {
        print_json(&CreditCodeOutput {
            code: result.as_ref().map(|c| c.to_string()).unwrap_or_else(|_| a.code.clone()),
            valid: result.is_ok(),
            reason: result.as_ref().err().map(ToString::to_string),
        })?;
        return result.map(|_| ()).map_err(|_| Failure::negative(""));
    }
    match result {
        Ok(code) => {
            println!("{code}: valid");
            Ok(())
        }
        Err(e) => {
            println!("{}: invalid: {e}", a.code);
            Err(Failure::negative(""))
        }
    }
}
