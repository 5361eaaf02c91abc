"""The feed's OpenAPI document, as served, is valid YAML describing OpenAPI 3."""
import requests
import yaml


def test_openapi_document_parses(sandbox):
    doc = yaml.safe_load(requests.get(sandbox["url"] + "/openapi/feed.yaml", timeout=10).text)
    assert doc["openapi"].startswith("3.")
    assert "/feed/v1/{kind}" in doc["paths"]
    for name in ["FeedOrder", "FeedFlow", "FeedUnsubscription", "FeedInvoiceRequest", "FeedBill"]:
        assert name in doc["components"]["schemas"]
