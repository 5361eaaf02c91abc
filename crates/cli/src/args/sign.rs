//! Arguments of `koodesk sign` and `koodesk field`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// The access key: on the command line, or (better: not in the process list) from an environment variable.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct KeyArgs {
    /// The access key (密钥) itself.
    #[arg(long, value_name = "K")]
    pub key: Option<String>,
    /// The name of an environment variable holding the access key.
    #[arg(long, value_name = "VAR")]
    pub key_env: Option<String>,
}

/// The APIG secret key: on the command line or from an environment variable.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SecretKeyArgs {
    /// The secret key (SK) itself.
    #[arg(long, value_name = "SK")]
    pub secret_key: Option<String>,
    /// The name of an environment variable holding the secret key.
    #[arg(long, value_name = "VAR")]
    pub secret_key_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(subcommand)]
    pub command: SignCommand,
}

#[derive(Debug, Args)]
pub struct NonceArgs {
    #[command(flatten)]
    pub key: KeyArgs,
    #[arg(long, value_name = "N")]
    pub nonce: String,
    /// Unix time in milliseconds.
    #[arg(long, value_name = "MS")]
    pub timestamp: String,
    /// The raw request body; `-` reads standard input.
    #[arg(long, value_name = "F")]
    pub body_file: PathBuf,
    /// Check this signature instead of printing one (exit 1 when it does not match).
    #[arg(long, value_name = "SIG")]
    pub verify: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SignCommand {
    /// The V2.0 URL `signature` of a production-interface request.
    V2(NonceArgs),
    /// The `x-sign` header of a joint-operation sync request.
    XSign(NonceArgs),
    /// The `Body-Sign` header of a production-interface reply.
    BodySign {
        #[command(flatten)]
        key: KeyArgs,
        /// The raw reply body; `-` reads standard input.
        #[arg(long, value_name = "F")]
        body_file: PathBuf,
        /// Check this Body-Sign header value (or bare base64 signature) instead of printing one.
        #[arg(long, value_name = "HEADER")]
        verify: Option<String>,
    },
    /// APIG (SDK-HMAC-SHA256) headers for an open-API request, or a whole curl command with --curl.
    Apig {
        /// The access key (AK).
        #[arg(long, value_name = "AK")]
        access_key: String,
        #[command(flatten)]
        secret: SecretKeyArgs,
        #[arg(long, default_value = "GET")]
        method: String,
        /// The full URL, with its query.
        #[arg(long)]
        url: String,
        /// The request body; `-` reads standard input.
        #[arg(long, value_name = "F")]
        body_file: Option<PathBuf>,
        /// Print a curl command instead of the headers.
        #[arg(long)]
        curl: bool,
    },
    /// The V1.0 `authToken` of a GET request's parameters (they must include timeStamp).
    V1 {
        #[command(flatten)]
        key: KeyArgs,
        /// A parameter as sent, NAME=VALUE (still URL-encoded); repeat for each.
        #[arg(long = "param", value_name = "NAME=VALUE", required = true)]
        params: Vec<String>,
        /// Check this authToken instead of printing one.
        #[arg(long, value_name = "TOKEN")]
        verify: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncryptTypeArg {
    /// encryptType 1: AES-256 (the default).
    #[value(name = "1")]
    Aes256,
    /// encryptType 2: AES-128.
    #[value(name = "2")]
    Aes128,
}

#[derive(Debug, Args)]
pub struct FieldArgs {
    #[command(subcommand)]
    pub command: FieldCommand,
}

#[derive(Debug, Subcommand)]
pub enum FieldCommand {
    /// Encrypts a sensitive field (userName, password, mobile, e-mail) as KooGallery expects it.
    Encrypt {
        #[command(flatten)]
        key: KeyArgs,
        #[arg(long = "encrypt-type", value_enum, default_value = "1")]
        encrypt_type: EncryptTypeArg,
        /// A fixed 16-character IV (for reproducible output); random if left out.
        #[arg(long, value_name = "IV")]
        iv: Option<String>,
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// Decrypts a field (16-character IV + base64).
    Decrypt {
        #[command(flatten)]
        key: KeyArgs,
        #[arg(long = "encrypt-type", value_enum, default_value = "1")]
        encrypt_type: EncryptTypeArg,
        #[arg(value_name = "FIELD")]
        field: String,
    },
}
