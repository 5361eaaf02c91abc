use super::*;

const AK: &str = "shmjYL6uQ1Tpk8Q0I1zdMudng3kuFOiugV8a7PWIgLszLwS";

#[test]
fn v2_round_trip_and_case() {
    let body = br#"{"activity":"newInstance","orderId":"CS1"}"#;
    let sig = v2_sign(AK, "nonce-1", "1680508066618", body);
    assert_eq!(sig.len(), 64);
    assert!(sig.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    assert_eq!(v2_verify(AK, "nonce-1", "1680508066618", body, &sig), Ok(()));
    assert_eq!(v2_verify(AK, "nonce-1", "1680508066618", body, &sig.to_lowercase()), Ok(()));
    assert_eq!(v2_verify(AK, "nonce-2", "1680508066618", body, &sig), Err(SignatureError::Mismatch));
    assert_eq!(v2_verify(AK, "nonce-1", "1680508066619", body, &sig), Err(SignatureError::Mismatch));
    assert_eq!(v2_verify(AK, "nonce-1", "1680508066618", b"{}", &sig), Err(SignatureError::Mismatch));
    assert!(matches!(v2_verify(AK, "n", "1", body, "zz"), Err(SignatureError::Malformed { .. })));
}

#[test]
fn body_sign_header_round_trip() {
    let body = br#"{"resultCode":"000000","resultMsg":"success","instanceId":"i-1"}"#;
    let header = body_sign_header(AK, body);
    assert!(header.starts_with("sign_type=\"HMAC-SHA256\", signature= \""));
    assert_eq!(body_sign_verify(AK, body, &header), Ok(()));
    // Without the documented space, too.
    let tight = header.replace("signature= ", "signature=");
    assert_eq!(body_sign_verify(AK, body, &tight), Ok(()));
    // One space more in the body is a different body.
    assert_eq!(body_sign_verify(AK, b" {}", &body_sign_header(AK, b"{}")), Err(SignatureError::Mismatch));
    assert_eq!(body_sign_verify(AK, body, "HMAC abc"), Err(SignatureError::BodySignHeader));
    assert_eq!(body_sign_verify(AK, body, "sign_type=\"MD5\", signature=\"x\""), Err(SignatureError::BodySignHeader));
}

#[test]
fn v1_token_sorts_decodes_and_skips_auth_token() {
    let params = [
        ("timeStamp", "20261129080000123"),
        ("activity", "newInstance"),
        ("customerName", "%E5%BC%A0%E4%B8%89"),
        ("businessId", "b-1"),
    ];
    assert_eq!(
        v1_canonical(&params).expect("canonical"),
        "activity=newInstance&businessId=b-1&customerName=张三&timeStamp=20261129080000123"
    );
    let token = v1_auth_token(AK, &params).expect("token");
    let mut with_token = params.to_vec();
    with_token.push(("authToken", &token));
    assert_eq!(v1_verify(AK, &with_token), Ok(()));
    with_token[1] = ("activity", "releaseInstance");
    assert_eq!(v1_verify(AK, &with_token), Err(SignatureError::Mismatch));
    assert_eq!(v1_auth_token(AK, &[("a", "1")]), Err(SignatureError::Missing("timeStamp")));
}
