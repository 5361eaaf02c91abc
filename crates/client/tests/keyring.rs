//! Credentials in a real OS keyring (Secret Service). Runs when KOODESK_KEYRING_TESTS=1, which `make test` sets
//! inside a D-Bus session with an unlocked gnome-keyring; elsewhere it says it did not run.

use koodesk_client::credentials::{self, Credential, CredentialError};
use koodesk_protocol::secret::Secret;

fn enabled() -> bool {
    if std::env::var("KOODESK_KEYRING_TESTS").as_deref() == Ok("1") {
        return true;
    }
    eprintln!("keyring tests need a Secret Service: run them with KOODESK_KEYRING_TESTS=1 (make test does)");
    false
}

#[test]
fn store_load_and_delete_in_the_keyring() {
    if !enabled() {
        return;
    }
    let account = format!("test-{}", std::process::id());
    let value = Secret::new("kdf_keyring_test_value_0123456789");
    credentials::store(&account, Credential::FeedToken, &value).expect("stored in the keyring");
    assert!(credentials::is_stored(&account, Credential::FeedToken).expect("status"));
    // The environment variable is absent here, so this comes from the keyring.
    std::env::remove_var(Credential::FeedToken.env_var());
    assert_eq!(credentials::load(&account, Credential::FeedToken).expect("loaded").expose(), value.expose());
    credentials::delete(&account, Credential::FeedToken).expect("deleted");
    assert!(!credentials::is_stored(&account, Credential::FeedToken).expect("status"));
    let e = credentials::load(&account, Credential::FeedToken).expect_err("gone");
    assert!(matches!(e, CredentialError::Missing(..)));
    assert!(!e.to_string().contains(value.expose()));
}
