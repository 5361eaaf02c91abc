use koodesk_protocol::field_crypto::{self, EncryptType};

use crate::args::{EncryptTypeArg, FieldArgs, FieldCommand};
use crate::commands::sign::access_key;
use crate::output::Failure;

fn kind(t: EncryptTypeArg) -> EncryptType {
    match t {
        EncryptTypeArg::Aes256 => EncryptType::Aes256,
        EncryptTypeArg::Aes128 => EncryptType::Aes128,
    }
}

pub fn run(a: FieldArgs) -> Result<(), Failure> {
    match a.command {
        FieldCommand::Encrypt { key, encrypt_type, iv, text } => {
            let key = access_key(&key)?;
            let out = match iv {
                Some(iv) => field_crypto::encrypt_with_iv(key.expose(), kind(encrypt_type), &iv, &text)
                    .map_err(|e| Failure::usage(format!("--iv: {e}")))?,
                None => field_crypto::encrypt(key.expose(), kind(encrypt_type), &text),
            };
            println!("{out}");
            Ok(())
        }
        FieldCommand::Decrypt { key, encrypt_type, field } => {
            let key = access_key(&key)?;
            let text = field_crypto::decrypt(key.expose(), kind(encrypt_type), &field)
                .map_err(|e| Failure::negative(format!("FIELD: {e}")))?;
            println!("{text}");
            Ok(())
        }
    }
}
