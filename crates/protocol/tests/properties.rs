//! Property tests: encryption round-trips, signatures verify what they signed and nothing else.

use koodesk_protocol::field_crypto::{self, EncryptType};
use koodesk_protocol::signature;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fields_round_trip(key in "[A-Za-z0-9]{1,64}", text in "\\PC{0,80}", aes128 in any::<bool>()) {
        let kind = if aes128 { EncryptType::Aes128 } else { EncryptType::Aes256 };
        let enc = field_crypto::encrypt(&key, kind, &text);
        prop_assert_eq!(enc.len() % 4, 0, "16 IV chars + base64");
        prop_assert_eq!(field_crypto::decrypt(&key, kind, &enc), Ok(text));
    }

    #[test]
    fn v2_verifies_only_what_was_signed(key in "[A-Za-z0-9]{8,48}", body in proptest::collection::vec(any::<u8>(), 0..200), flip in any::<usize>()) {
        let sig = signature::v2_sign(&key, "nonce", "1700000000000", &body);
        prop_assert!(signature::v2_verify(&key, "nonce", "1700000000000", &body, &sig).is_ok());
        let mut tampered = body.clone();
        if tampered.is_empty() { tampered.push(0); } else { let i = flip % tampered.len(); tampered[i] ^= 1; }
        prop_assert!(signature::v2_verify(&key, "nonce", "1700000000000", &tampered, &sig).is_err());
        let header = signature::body_sign_header(&key, &body);
        prop_assert!(signature::body_sign_verify(&key, &body, &header).is_ok());
        prop_assert!(signature::body_sign_verify(&key, &tampered, &header).is_err());
    }
}
