use koodesk_domain::capital;

use crate::args::AmountWordsArgs;
use crate::output::Failure;

pub fn run(a: AmountWordsArgs) -> Result<(), Failure> {
    let words = capital::to_capital(a.amount).map_err(|e| Failure::usage(format!("AMOUNT: {e}")))?;
    println!("{words}");
    Ok(())
}
