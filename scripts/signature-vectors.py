#!/usr/bin/env python3
"""Writes crates/protocol/tests/vectors/signatures.json: signature test vectors computed independently of the
Rust code, from the documented formulas (KOOGALLERY.md §7, §8) with Python's standard hmac, and the APIG vectors
with Huawei Cloud's own SDK signer (pip install huaweicloudsdkcore). Run it again only to add vectors:
    python3 -m venv /tmp/v && /tmp/v/bin/pip install huaweicloudsdkcore && /tmp/v/bin/python scripts/signature-vectors.py
"""
import base64, hashlib, hmac, json, pathlib
from urllib.parse import unquote

def h(key, data):
    return hmac.new(key.encode(), data.encode() if isinstance(data, str) else data, hashlib.sha256)

KEYS = ["shmjYL6uQ1Tpk8Q0I1zdMudng3kuFOiugV8a7PWIgLszLwS", "k", "密钥-unicode-key"]
BODIES = [
    '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}',
    "",
    ' {"activity":"queryInstance","instanceId":"a,b"}\t',
    '{"memo":"开通成功"}',
]
out = {"v2": [], "x_sign": [], "body_sign": [], "v1": [], "usage": [], "apig": []}
for i, key in enumerate(KEYS):
    for j, body in enumerate(BODIES):
        nonce, ts = f"50D83FDECAED6CCD{i}{j}", str(1680508066618 + 1000 * j)
        inner = h(key, body).hexdigest().lower()
        out["v2"].append({"key": key, "nonce": nonce, "timestamp": ts, "body": body,
                          "signature": h(key, key + nonce + ts + inner).hexdigest().upper()})
        out["x_sign"].append({"key": key, "nonce": nonce, "timestamp": ts, "body": body,
                              "signature": h(key, key + nonce + ts + body).hexdigest()})
        out["body_sign"].append({"key": key, "body": body, "signature": base64.b64encode(h(key, body).digest()).decode()})
        out["usage"].append({"key": key, "ts": ts, "nonce": nonce, "body": body,
                             "signature": base64.b64encode(h(key, f"ts={ts}&nonce={nonce}&body={body}").digest()).decode()})
    params = [("timeStamp", "20261129080000123"), ("activity", "newInstance"), ("orderId", "CS%2B1"),
              ("customerName", "%E5%BC%A0%E4%B8%89"), ("businessId", f"b-{i}")]
    canonical = "&".join(f"{k}={unquote(v)}" for k, v in sorted(params))
    out["v1"].append({"key": key, "params": params,
                      "auth_token": base64.b64encode(h(key + "20261129080000123", canonical).digest()).decode()})

try:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer
    cases = [
        ("GET", "/api/mkp-openapi-public/global/v1/order/query", [("orderId", "MOCKPERIODYEARNEW"), ("orderLineId", "MOCKPERIODYEARNEW-000001")], {"Content-Type": "application/json"}, ""),
        ("POST", "/api/mkp-openapi-public/global/v1/license/activate", [], {"Content-Type": "application/json;charset=UTF-8"}, '{"license":"LIC-0001","real_effect_time":"20261129080000"}'),
        ("POST", "/api/mkp-openapi-public/global/v1/isv/usage-data", [("a b", "x/y~z"), ("a b", "1")], {"Content-Type": "application/json", "X-Extra": "  padded  "}, '{"usage_records":[]}'),
    ]
    for n, (method, path, query, headers, body) in enumerate(cases):
        headers = dict(headers, **{"X-Sdk-Date": "20261129T080000Z"})
        req = SdkRequest(method=method, schema="https", host="mkt.myhuaweicloud.com", resource_path=path,
                         query_params=list(query), header_params=dict(headers), body=body)
        signed = Signer(BasicCredentials(f"AK{n}EXAMPLE", f"SK{n}EXAMPLE")).sign(req)
        out["apig"].append({"ak": f"AK{n}EXAMPLE", "sk": f"SK{n}EXAMPLE", "method": method, "path": path,
                            "query": query, "headers": sorted(signed.header_params.items()), "body": body,
                            "now": "2026-11-29T08:05:00Z"})
except ImportError:
    raise SystemExit("install huaweicloudsdkcore first (see the docstring)")

path = pathlib.Path(__file__).resolve().parent.parent / "crates/protocol/tests/vectors/signatures.json"
path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {path}: " + ", ".join(f"{k} {len(v)}" for k, v in out.items()))
