"""A standard OAuth 2.0 client (Authlib) completes the authorization-code and refresh flows against the sandbox."""
import re
from html import unescape

import requests
from authlib.integrations.requests_client import OAuth2Session

REDIRECT = "http://127.0.0.1:9/callback"


def consent(sandbox, authorize_url):
    """What a buyer's browser does: open the consent page and approve as the first listed user."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    fields = {unescape(n): unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)}
    buyer = re.search(r'<option value="([^"]+)"', page.text).group(1)
    fields.update(buyer_id=buyer, decision="approve")
    r = requests.post(sandbox["url"] + "/api/v1/oauth2/authorize", data=fields, allow_redirects=False, timeout=10)
    assert r.status_code in (302, 303), r.text
    return r.headers["Location"], buyer


def session(sandbox, method):
    return OAuth2Session(sandbox["client_id"], sandbox["client_secret"], scope="get_user_info",
                         redirect_uri=REDIRECT, token_endpoint_auth_method=method)


def run_flow(sandbox, method):
    client = session(sandbox, method)
    url, state = client.create_authorization_url(sandbox["url"] + "/api/v1/oauth2/authorize")
    location, buyer = consent(sandbox, url)
    assert f"state={state}" in location
    token = client.fetch_token(sandbox["url"] + "/api/v1/oauth2/token", authorization_response=location)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 7200
    me = client.get(sandbox["url"] + "/api/v1/oauth2/userinfo").json()
    assert me["id"] == buyer and me["userId"] == buyer
    old_refresh = token["refresh_token"]
    token2 = client.refresh_token(sandbox["url"] + "/api/v1/oauth2/token", refresh_token=old_refresh)
    assert token2["access_token"] != token["access_token"]
    assert token2["refresh_token"] != old_refresh, "refresh tokens rotate"
    assert client.get(sandbox["url"] + "/api/v1/oauth2/userinfo").status_code == 200
    return token2


def test_authorization_code_and_refresh_with_basic_auth(sandbox):
    run_flow(sandbox, "client_secret_basic")


def test_authorization_code_and_refresh_with_form_auth(sandbox):
    run_flow(sandbox, "client_secret_post")


def test_a_used_code_is_refused(sandbox):
    client = session(sandbox, "client_secret_post")
    url, _ = client.create_authorization_url(sandbox["url"] + "/api/v1/oauth2/authorize")
    location, _ = consent(sandbox, url)
    client.fetch_token(sandbox["url"] + "/api/v1/oauth2/token", authorization_response=location)
    again = session(sandbox, "client_secret_post")
    try:
        again.fetch_token(sandbox["url"] + "/api/v1/oauth2/token", authorization_response=location)
    except Exception as e:  # Authlib raises OAuthError for {"error": "invalid_grant"}
        assert "invalid_grant" in str(e)
    else:
        raise AssertionError("a code works once")
