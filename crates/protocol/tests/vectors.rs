//! Cross-checks against vectors made outside this crate:
//! - `aes-field-vectors.jsonl`: computed by a real JDK 17 with Huawei's Java sample (SHA1PRNG key derivation);
//! - `signatures.json`: the documented formulas in Python's standard `hmac`, and APIG signatures made by Huawei
//!   Cloud's own SDK signer (`huaweicloudsdkcore`), by `scripts/signature-vectors.py`.

use chrono::{DateTime, Utc};
use koodesk_protocol::apig;
use koodesk_protocol::field_crypto::{self, EncryptType};
use koodesk_protocol::open_api::usage_signature;
use koodesk_protocol::signature;
use serde_json::Value;

fn signatures() -> Value {
    serde_json::from_str(include_str!("vectors/signatures.json")).expect("vectors parse")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("vector field {k}"))
}

#[test]
fn java_aes_vectors_decrypt_and_re_encrypt_exactly() {
    let mut count = 0;
    for line in include_str!("vectors/aes-field-vectors.jsonl").lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("vector parses");
        let kind = EncryptType::from_code(v["encrypt_type"].as_u64().and_then(|c| u8::try_from(c).ok()).expect("type"))
            .expect("type 1 or 2");
        let ak = s(&v, "access_key");
        assert_eq!(hex::encode(field_crypto::derive_key(ak, kind)), s(&v, "derived_aes_key_hex"), "key of {ak}");
        assert_eq!(field_crypto::decrypt(ak, kind, s(&v, "encrypted")).as_deref(), Ok(s(&v, "plaintext")));
        assert_eq!(
            field_crypto::encrypt_with_iv(ak, kind, s(&v, "iv"), s(&v, "plaintext")).as_deref(),
            Ok(s(&v, "encrypted"))
        );
        // The other key size does not decrypt it.
        let other = if kind == EncryptType::Aes256 { EncryptType::Aes128 } else { EncryptType::Aes256 };
        assert_ne!(field_crypto::decrypt(ak, other, s(&v, "encrypted")).as_deref(), Ok(s(&v, "plaintext")));
        count += 1;
    }
    assert!(count >= 8, "only {count} vectors");
}

#[test]
fn v2_vectors() {
    for v in signatures()["v2"].as_array().expect("v2") {
        let (k, n, t, b) = (s(v, "key"), s(v, "nonce"), s(v, "timestamp"), s(v, "body"));
        assert_eq!(signature::v2_sign(k, n, t, b.as_bytes()), s(v, "signature"));
        assert_eq!(signature::v2_verify(k, n, t, b.as_bytes(), s(v, "signature")), Ok(()));
    }
}

#[test]
fn x_sign_vectors() {
    for v in signatures()["x_sign"].as_array().expect("x_sign") {
        let (k, n, t, b) = (s(v, "key"), s(v, "nonce"), s(v, "timestamp"), s(v, "body"));
        assert_eq!(signature::x_sign(k, n, t, b.as_bytes()), s(v, "signature"));
        assert_eq!(signature::x_sign_verify(k, n, t, b.as_bytes(), &s(v, "signature").to_uppercase()), Ok(()));
    }
}

#[test]
fn body_sign_vectors() {
    for v in signatures()["body_sign"].as_array().expect("body_sign") {
        let (k, b) = (s(v, "key"), s(v, "body"));
        assert_eq!(signature::body_signature(k, b.as_bytes()), s(v, "signature"));
        let header = format!("sign_type=\"HMAC-SHA256\", signature= \"{}\"", s(v, "signature"));
        assert_eq!(signature::body_sign_verify(k, b.as_bytes(), &header), Ok(()));
    }
}

#[test]
fn v1_vectors() {
    for v in signatures()["v1"].as_array().expect("v1") {
        let params: Vec<(String, String)> = v["params"]
            .as_array()
            .expect("params")
            .iter()
            .map(|p| (p[0].as_str().expect("k").to_string(), p[1].as_str().expect("v").to_string()))
            .collect();
        let refs: Vec<(&str, &str)> = params.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(signature::v1_auth_token(s(v, "key"), &refs).as_deref(), Ok(s(v, "auth_token")));
    }
}

#[test]
fn usage_push_vectors() {
    for v in signatures()["usage"].as_array().expect("usage") {
        assert_eq!(usage_signature(s(v, "key"), s(v, "ts"), s(v, "nonce"), s(v, "body")), s(v, "signature"));
    }
}

fn apig_request(v: &Value) -> apig::Request {
    let pairs = |k: &str| -> Vec<(String, String)> {
        v[k].as_array()
            .expect("pairs")
            .iter()
            .map(|p| (p[0].as_str().expect("k").to_string(), p[1].as_str().expect("v").to_string()))
            .collect()
    };
    apig::Request {
        method: s(v, "method").to_string(),
        path: s(v, "path").to_string(),
        query: pairs("query"),
        headers: pairs("headers"),
        body: s(v, "body").as_bytes().to_vec(),
    }
}

#[test]
fn requests_signed_by_huaweis_sdk_verify() {
    for v in signatures()["apig"].as_array().expect("apig") {
        let req = apig_request(v);
        let now: DateTime<Utc> = s(v, "now").parse().expect("now");
        let sk = s(v, "sk").to_string();
        assert_eq!(apig::verify(&req, now, |_| Some(sk.clone())).as_deref(), Ok(s(v, "ak")));
        // And our signer produces the SDK's Authorization header for the same request.
        let mut ours = req.clone();
        ours.headers.retain(|(k, _)| k != "Authorization");
        apig::sign(&mut ours, s(v, "ak"), &sk, "mkt.myhuaweicloud.com", now).expect("signs");
        assert_eq!(ours.header("Authorization"), req.header("Authorization"));
        // A changed body no longer verifies.
        let mut tampered = req.clone();
        tampered.body.extend_from_slice(b" ");
        assert_eq!(apig::verify(&tampered, now, |_| Some(sk.clone())), Err(apig::ApigError::Mismatch));
    }
}
