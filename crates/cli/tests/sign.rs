//! `koodesk sign` and `koodesk field`, checked against the protocol crate's independent vectors.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn koodesk() -> Command {
    Command::cargo_bin("koodesk").expect("the koodesk binary is built")
}

fn vectors() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/tests/vectors/signatures.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("json")
}

fn body_file(name: &str, body: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write body");
    path
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().expect("string field")
}

#[test]
fn v2_and_x_sign_print_and_verify_the_vectors() {
    let all = vectors();
    for (cmd, set) in [("v2", "v2"), ("x-sign", "x_sign")] {
        for (i, v) in all[set].as_array().expect("set").iter().enumerate() {
            let file = body_file(&format!("{cmd}-{i}.json"), s(v, "body"));
            let base = ["sign", cmd, "--key", s(v, "key"), "--nonce", s(v, "nonce"), "--timestamp", s(v, "timestamp")];
            koodesk()
                .args(base)
                .arg("--body-file")
                .arg(&file)
                .assert()
                .success()
                .stdout(format!("{}\n", s(v, "signature")));
            koodesk().args(base).arg("--body-file").arg(&file).args(["--verify", s(v, "signature")]).assert().success();
            // Another nonce: the same signature no longer matches.
            let mut other = base;
            other[5] = "another-nonce";
            koodesk()
                .args(other)
                .arg("--body-file")
                .arg(&file)
                .args(["--verify", s(v, "signature")])
                .assert()
                .code(1)
                .stdout("signature does not match\n");
        }
    }
}

#[test]
fn body_sign_header_and_verification() {
    for (i, v) in vectors()["body_sign"].as_array().expect("set").iter().enumerate() {
        let file = body_file(&format!("reply-{i}.json"), s(v, "body"));
        let header = format!("sign_type=\"HMAC-SHA256\", signature= \"{}\"", s(v, "signature"));
        koodesk()
            .args(["sign", "body-sign", "--key", s(v, "key"), "--body-file"])
            .arg(&file)
            .assert()
            .success()
            .stdout(format!("{header}\n"));
        koodesk()
            .args(["sign", "body-sign", "--key", s(v, "key"), "--verify", s(v, "signature"), "--body-file", "-"])
            .write_stdin(s(v, "body"))
            .assert()
            .success();
    }
}

#[test]
fn v1_auth_token() {
    for v in vectors()["v1"].as_array().expect("set") {
        let mut cmd = koodesk();
        cmd.args(["sign", "v1", "--key", s(v, "key")]);
        for p in v["params"].as_array().expect("params") {
            cmd.arg("--param").arg(format!("{}={}", p[0].as_str().expect("k"), p[1].as_str().expect("v")));
        }
        cmd.assert().success().stdout(format!("{}\n", s(v, "auth_token")));
    }
    koodesk()
        .args(["sign", "v1", "--key", "k", "--param", "activity=newInstance"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("timeStamp"));
}

#[test]
fn key_from_the_environment_and_missing_keys() {
    let file = body_file("env.json", "{}");
    koodesk()
        .env("KOODESK_TEST_AK", "abc")
        .args(["sign", "v2", "--key-env", "KOODESK_TEST_AK", "--nonce", "n", "--timestamp", "1", "--body-file"])
        .arg(&file)
        .assert()
        .success();
    koodesk()
        .env_remove("KOODESK_TEST_MISSING")
        .args(["sign", "v2", "--key-env", "KOODESK_TEST_MISSING", "--nonce", "n", "--timestamp", "1", "--body-file"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--key-env KOODESK_TEST_MISSING"));
    koodesk()
        .args(["sign", "v2", "--nonce", "n", "--timestamp", "1", "--body-file", "/nonexistent/body"])
        .arg("--key=k")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--body-file"));
}

#[test]
fn field_encrypt_and_decrypt_match_java() {
    let line = include_str!("../../protocol/tests/vectors/aes-field-vectors.jsonl").lines().next().expect("a vector");
    let v: Value = serde_json::from_str(line).expect("json");
    let t = v["encrypt_type"].as_u64().expect("type").to_string();
    koodesk()
        .args([
            "field",
            "encrypt",
            "--key",
            s(&v, "access_key"),
            "--encrypt-type",
            &t,
            "--iv",
            s(&v, "iv"),
            s(&v, "plaintext"),
        ])
        .assert()
        .success()
        .stdout(format!("{}\n", s(&v, "encrypted")));
    koodesk()
        .args(["field", "decrypt", "--key", s(&v, "access_key"), "--encrypt-type", &t, s(&v, "encrypted")])
        .assert()
        .success()
        .stdout(format!("{}\n", s(&v, "plaintext")));
    let e = koodesk()
        .args(["field", "decrypt", "--key", "wrong-key", s(&v, "encrypted")])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(!String::from_utf8_lossy(&e).contains("wrong-key"), "errors never repeat the key");
}

#[test]
fn apig_headers_verify_with_the_open_api_verifier() {
    use koodesk_protocol::apig;
    let url = "http://127.0.0.1:8787/api/mkp-openapi-public/global/v1/order/query?orderId=MOCKONETIMENEW";
    let out = koodesk()
        .env("KOODESK_TEST_SK", "SK-EXAMPLE")
        .args(["sign", "apig", "--access-key", "AK-EXAMPLE", "--secret-key-env", "KOODESK_TEST_SK", "--url", url])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let headers: Vec<(String, String)> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    assert!(headers.iter().any(|(k, _)| k == "Authorization"));
    let req = apig::Request {
        method: "GET".into(),
        path: "/api/mkp-openapi-public/global/v1/order/query".into(),
        query: vec![("orderId".into(), "MOCKONETIMENEW".into())],
        headers,
        body: Vec::new(),
    };
    let ak = apig::verify(&req, chrono::Utc::now(), |_| Some("SK-EXAMPLE".into())).expect("verifies");
    assert_eq!(ak, "AK-EXAMPLE");
    let curl = koodesk()
        .args(["sign", "apig", "--access-key", "AK", "--secret-key", "SK", "--url", url, "--curl"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&curl).starts_with("curl -sS -X GET 'http://127.0.0.1:8787/api/"));
    koodesk().args(["sign", "apig", "--access-key", "AK", "--secret-key", "SK", "--url", "ftp://x"]).assert().code(2);
}
