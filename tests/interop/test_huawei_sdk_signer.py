"""Requests signed by Huawei Cloud's own SDK signer (huaweicloudsdkcore) are accepted by the sandbox's open API."""
from urllib.parse import urlparse

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

PREFIX = "/api/mkp-openapi-public/global/v1/"


def signed(sandbox, method, path, query=(), body="", sk=None):
    host = urlparse(sandbox["url"]).netloc
    req = SdkRequest(method=method, schema="http", host=host, resource_path=PREFIX + path,
                     query_params=list(query), header_params={"Content-Type": "application/json"}, body=body)
    creds = BasicCredentials(sandbox["access_key"], sk or sandbox["secret_key"])
    req = Signer(creds).sign(req)
    url = sandbox["url"] + req.uri
    return requests.request(method, url, headers=req.header_params, data=body.encode() if body else None, timeout=10)


def test_order_query_signed_by_the_sdk(sandbox):
    r = signed(sandbox, "GET", "order/query", [("orderId", "MOCKPERIODYEARNEW"), ("orderLineId", "MOCKPERIODYEARNEW-000001")])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["resultCode"] == "CBC.0000"
    assert body["orderInfo"]["orderType"] == "NEW"
    assert body["orderInfo"]["orderLine"][0]["chargingMode"] == "PERIOD"


def test_post_signed_by_the_sdk(sandbox):
    r = signed(sandbox, "POST", "license/heartbeat", body='{"license":"LIC-NOSUCH"}')
    assert r.status_code == 200, r.text
    assert r.json()["error_code"] == "94060999"


def test_wrong_secret_is_refused(sandbox):
    r = signed(sandbox, "GET", "order/query", [("orderId", "MOCKONETIMENEW")], sk="not-the-secret-key")
    assert r.status_code == 401
    assert r.json()["error_code"] == "APIGW.0301"


def test_tampered_query_is_refused(sandbox):
    host = urlparse(sandbox["url"]).netloc
    req = SdkRequest(method="GET", schema="http", host=host, resource_path=PREFIX + "order/query",
                     query_params=[("orderId", "MOCKONETIMENEW")], header_params={"Content-Type": "application/json"}, body="")
    req = Signer(BasicCredentials(sandbox["access_key"], sandbox["secret_key"])).sign(req)
    r = requests.get(sandbox["url"] + PREFIX + "order/query?orderId=MOCKONDEMAND", headers=req.header_params, timeout=10)
    assert r.status_code == 401
