use std::io::Read;
use std::path::Path;

use koodesk_protocol::apig;
use koodesk_protocol::replay::Scheme;
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature::{self, SignatureError};

use crate::args::{KeyArgs, NonceArgs, SecretKeyArgs, SignArgs, SignCommand};
use crate::output::Failure;

/// The access key from `--key` or `--key-env`. Errors never repeat the key.
pub fn access_key(k: &KeyArgs) -> Result<Secret, Failure> {
    match (&k.key, &k.key_env) {
        (Some(key), _) if !key.is_empty() => Ok(Secret::new(key.clone())),
        (_, Some(var)) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
            _ => Err(Failure::usage(format!("--key-env {var}: the environment variable is not set or empty"))),
        },
        _ => Err(Failure::usage("--key: the access key is empty")),
    }
}

fn secret_key(k: &SecretKeyArgs) -> Result<Secret, Failure> {
    access_key(&KeyArgs { key: k.secret_key.clone(), key_env: k.secret_key_env.clone() })
        .map_err(|f| Failure::usage(f.message.replace("--key", "--secret-key")))
}

/// APIG headers for a request, printed one per line, or a curl command.
fn apig_headers(
    access_key: &str,
    secret: &SecretKeyArgs,
    method: &str,
    url: &str,
    body_file: Option<&Path>,
    curl: bool,
) -> Result<(), Failure> {
    let sk = secret_key(secret)?;
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| Failure::usage(format!("--url `{url}`: an http:// or https:// URL")))?;
    let (host, path_query) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let (path, query) = path_query.split_once('?').unwrap_or((&path_query, ""));
    let body = match body_file {
        Some(f) => read_body(f)?,
        None => Vec::new(),
    };
    let mut req = apig::Request {
        method: method.to_uppercase(),
        path: path.to_string(),
        query: apig::Request::parse_query(query),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.clone(),
    };
    apig::sign(&mut req, access_key, sk.expose(), host, chrono::Utc::now())
        .map_err(|e| Failure::usage(format!("--url: {e}")))?;
    if !curl {
        for (k, v) in &req.headers {
            println!("{k}: {v}");
        }
        return Ok(());
    }
    let scheme = if url.starts_with("https://") { "https" } else { "http" };
    let mut cmd = format!("curl -sS -X {} '{scheme}://{host}{path}", req.method);
    let q = req.canonical_query();
    if !q.is_empty() {
        cmd.push('?');
        cmd.push_str(&q);
    }
    cmd.push('\'');
    for (k, v) in &req.headers {
        cmd.push_str(&format!(" -H '{k}: {v}'"));
    }
    if !body.is_empty() {
        cmd.push_str(&format!(" --data-binary '{}'", String::from_utf8_lossy(&body).replace('\'', "'\\''")));
    }
    println!("{cmd}");
    Ok(())
}

/// The raw bytes of `--body-file` (`-` = standard input), unchanged: signatures cover every byte.
fn read_body(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut body).map(|_| ())
    } else {
        std::fs::read(path).map(|b| body = b)
    };
    result.map_err(|e| Failure::usage(format!("--body-file {}: cannot read it: {e}", path.display())))?;
    Ok(body)
}

/// Prints the verdict of a check: exit 0 when it matches, 1 when not, 2 when the signature is malformed.
fn verdict(result: Result<(), SignatureError>) -> Result<(), Failure> {
    match result {
        Ok(()) => {
            println!("signature matches");
            Ok(())
        }
        Err(SignatureError::Mismatch) => {
            println!("signature does not match");
            Err(Failure::negative(""))
        }
        Err(e) => Err(Failure::usage(format!("--verify: {e}"))),
    }
}

/// `sign v2` and `sign x-sign`: both sign accessKey, nonce, timestamp and the body.
fn nonce_signed(a: NonceArgs, scheme: Scheme) -> Result<(), Failure> {
    let key = access_key(&a.key)?;
    let body = read_body(&a.body_file)?;
    let (k, n, t) = (key.expose(), a.nonce.as_str(), a.timestamp.as_str());
    match (a.verify, scheme) {
        (Some(sig), Scheme::V2) => verdict(signature::v2_verify(k, n, t, &body, &sig)),
        (Some(sig), Scheme::XSign) => verdict(signature::x_sign_verify(k, n, t, &body, &sig)),
        (None, Scheme::V2) => {
            println!("{}", signature::v2_sign(k, n, t, &body));
            Ok(())
        }
        (None, Scheme::XSign) => {
            println!("{}", signature::x_sign(k, n, t, &body));
            Ok(())
        }
    }
}

pub fn run(a: SignArgs) -> Result<(), Failure> {
    match a.command {
        SignCommand::V2(n) => nonce_signed(n, Scheme::V2),
        SignCommand::XSign(n) => nonce_signed(n, Scheme::XSign),
        SignCommand::BodySign { key, body_file, verify } => {
            let key = access_key(&key)?;
            let body = read_body(&body_file)?;
            match verify {
                Some(h) if h.contains("sign_type") => verdict(signature::body_sign_verify(key.expose(), &body, &h)),
                Some(bare) => {
                    let header = format!("sign_type=\"HMAC-SHA256\", signature=\"{}\"", bare.trim());
                    verdict(signature::body_sign_verify(key.expose(), &body, &header))
                }
                None => {
                    println!("{}", signature::body_sign_header(key.expose(), &body));
                    Ok(())
                }
            }
        }
        SignCommand::Apig { access_key, secret, method, url, body_file, curl } => {
            apig_headers(&access_key, &secret, &method, &url, body_file.as_deref(), curl)
        }
        SignCommand::V1 { key, params, verify } => {
            let key = access_key(&key)?;
            let mut pairs = Vec::with_capacity(params.len());
            for p in &params {
                let (k, v) =
                    p.split_once('=').ok_or_else(|| Failure::usage(format!("--param `{p}`: expected NAME=VALUE")))?;
                pairs.push((k, v));
            }
            match verify {
                Some(token) => {
                    pairs.retain(|(k, _)| *k != "authToken");
                    pairs.push(("authToken", token.as_str()));
                    verdict(signature::v1_verify(key.expose(), &pairs))
                }
                None => {
                    let token = signature::v1_auth_token(key.expose(), &pairs)
                        .map_err(|e| Failure::usage(format!("--param: {e}")))?;
                    println!("{token}");
                    Ok(())
                }
            }
        }
    }
}
