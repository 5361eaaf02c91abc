//! Credentials in a real OS keyring (Secret Service). Ignored by default, so a run without one shows it as
//! skipped; `make test` runs it inside a D-Bus session with an unlocked gnome-keyring:
//! `dbus-run-session -- scripts/with-keyring.sh cargo nextest run --run-ignored only -E 'test(keyring)'`.

use koodesk_client::credentials::{self, Credential, CredentialError};
use koodesk_protocol::secret::Secret;

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn store_load_and_delete_in_the_keyring() {
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
