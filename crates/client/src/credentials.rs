//! Credentials in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
//!
//! There is no fallback to a file: with no keyring, KooDesk says so and the seller can pass the value through an
//! environment variable for that run instead. Values come back as [`Secret`]s, which never print themselves.

use koodesk_protocol::secret::Secret;

/// The keyring service name KooDesk's entries live under.
pub const SERVICE: &str = "koodesk";

/// The credentials KooDesk keeps, and the environment variable that can stand in for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    FeedToken,
    AccessKey,
    SecretKey,
    InterfaceKey,
    OAuthClientSecret,
}

impl Credential {
    pub const ALL: [Credential; 5] = [
        Credential::FeedToken,
        Credential::AccessKey,
        Credential::SecretKey,
        Credential::InterfaceKey,
        Credential::OAuthClientSecret,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Credential::FeedToken => "feed-token",
            Credential::AccessKey => "access-key",
            Credential::SecretKey => "secret-key",
            Credential::InterfaceKey => "interface-key",
            Credential::OAuthClientSecret => "oauth-client-secret",
        }
    }

    pub fn env_var(self) -> &'static str {
        match self {
            Credential::FeedToken => "KOODESK_FEED_TOKEN",
            Credential::AccessKey => "KOODESK_ACCESS_KEY",
            Credential::SecretKey => "KOODESK_SECRET_KEY",
            Credential::InterfaceKey => "KOODESK_INTERFACE_KEY",
            Credential::OAuthClientSecret => "KOODESK_OAUTH_CLIENT_SECRET",
        }
    }

    pub fn parse(s: &str) -> Option<Credential> {
        Credential::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// Why a credential could not be stored or read. Never contains the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "no OS keyring is available ({0}); KooDesk keeps secrets only in the keyring, never in a file. Start one \
         (e.g. gnome-keyring) or pass the value for this run in the environment variable {1}"
    )]
    NoKeyring(String, &'static str),
    #[error("no {0} is stored: set one with `koodesk credentials set {0}` or in the environment variable {1}")]
    Missing(&'static str, &'static str),
}

fn entry(account: &str, c: Credential) -> Result<keyring::Entry, CredentialError> {
    keyring::Entry::new(SERVICE, &format!("{account}/{}", c.name())).map_err(|e| {
        // Say why the keyring could not be reached, not just that it was not set up.
        let why = match keyring::Entry::store_status() {
            Err(init) => format!("the Secret Service did not answer: {init}"),
            Ok(()) => e.to_string(),
        };
        CredentialError::NoKeyring(why, c.env_var())
    })
}

/// Stores a credential for an account (a seller workspace, e.g. `sandbox` or `production`).
pub fn store(account: &str, c: Credential, value: &Secret) -> Result<(), CredentialError> {
    entry(account, c)?.set_password(value.expose()).map_err(|e| CredentialError::NoKeyring(e.to_string(), c.env_var()))
}

/// The credential: from its environment variable if set, else from the keyring.
pub fn load(account: &str, c: Credential) -> Result<Secret, CredentialError> {
    if let Ok(v) = std::env::var(c.env_var()) {
        if !v.is_empty() {
            return Ok(Secret::new(v));
        }
    }
    load_from_keyring(account, c)
}

/// The credential from the keyring only, ignoring its environment variable: for commands that name the keyring.
pub fn load_from_keyring(account: &str, c: Credential) -> Result<Secret, CredentialError> {
    match entry(account, c)?.get_password() {
        Ok(v) => Ok(Secret::new(v)),
        Err(keyring::Error::NoEntry) => Err(CredentialError::Missing(c.name(), c.env_var())),
        Err(e) => Err(CredentialError::NoKeyring(e.to_string(), c.env_var())),
    }
}

/// Removes a stored credential; removing one that is not there is fine.
pub fn delete(account: &str, c: Credential) -> Result<(), CredentialError> {
    match entry(account, c)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(CredentialError::NoKeyring(e.to_string(), c.env_var())),
    }
}

/// Whether a credential is stored in the keyring (environment variables aside).
pub fn is_stored(account: &str, c: Credential) -> Result<bool, CredentialError> {
    match entry(account, c)?.get_password() {
        Ok(_) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(CredentialError::NoKeyring(e.to_string(), c.env_var())),
    }
}
