"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (tests/oidc_provider.py).

The test client is PeerCare's browser; `requests` is the same member at the provider's login
form. Nothing on PeerCare's side (Authlib's client included) is replaced.
"""

import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from forum.extensions import db
from forum.models import Follow, Role, SiteSetting, SsoIdentity, User
from forum.services import accounts, preferences, site
from forum.services import sso as sso_accounts
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import PASSWORD, make_product, make_user
from tests.integration.test_account_email import settle
from tests.oidc_provider import claims_of, with_payload


def start(client, *, intent: str = "sign_in", next_url: str = "", key: str = "company") -> str:
    """Press "Sign in with …": PeerCare answers with a redirect to the provider."""
    response = client.post(f"/sso/{key}/start", data={"intent": intent, "next": next_url})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def at_provider(authorize_url: str, sub: str | None = None, *, deny: bool = False) -> str:
    """The member at the provider's login form; returns where the provider sends the browser back."""
    response = requests.post(authorize_url, data={"action": "deny"} if deny else {"sub": sub},
                             allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def back_here(client, location: str):
    parts = urlsplit(location)
    assert parts.path.startswith("/sso/"), location
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client, provider, sub: str, **claims):
    if claims:
        provider.set_user(sub, **claims)
    return back_here(client, at_provider(start(client), sub))


def flashed_on_login(client) -> str:
    return client.get("/login").get_data(as_text=True)


def signed_in_as(client) -> str | None:
    page = client.get("/settings")
    if page.status_code != 200:
        return None
    return db.session.scalar(select(User.username).where(User.id == int(_session_user(client))))


def _session_user(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"].split(":")[0]


def alice(**extra):
    return {"email": "alice@northwind.example", "email_verified": True, "preferred_username": "alice_k",
            "name": "Alice Keller", "locale": "de-DE", **extra}


def map_claims(**mapping):
    admin = make_user("site_admin", role=Role.ADMIN)
    with unit_of_work():
        sso_accounts.set_claim_mapping({**sso_accounts.claim_mapping(), **mapping}, actor=admin)


# --- first sign-in and just-in-time accounts ----------------------------------------------------

def test_the_first_sign_in_creates_a_member_from_the_verified_claims(client, sso_provider):
    make_product("thermostat", "Northwind Thermostat")
    make_product("mesh-router", "Northwind Mesh Wi-Fi")
    map_claims(products="products", segment="segment")
    sso_provider.set_user("sub-alice", **alice(products=["thermostat", "Northwind Mesh Wi-Fi", "unknown-thing"],
                                                segment="Enterprise"))
    authorize_url = start(client, next_url="/tags")
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(sso_provider.issuer + "/oauth2/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://localhost/sso/company/callback"]

    response = back_here(client, at_provider(authorize_url, "sub-alice"))

    assert response.status_code == 302 and response.headers["Location"] == "/tags"
    user = db.session.scalar(select(User).where(User.username == "alice_k"))
    assert user.email == "alice@northwind.example" and user.email_confirmed_at is not None
    assert (user.display_name, user.locale) == ("Alice Keller", "de-DE")
    assert not user.has_password
    identity = db.session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == user.id))
    assert (identity.provider, identity.subject, identity.claims["segment"]) == ("company", "sub-alice", "Enterprise")
    followed = {f.product_id for f in db.session.scalars(select(Follow).where(Follow.user_id == user.id))}
    assert len(followed) == 2
    assert "Welcome to the community, alice_k!" in client.get("/tags").get_data(as_text=True)
    assert signed_in_as(client) == "alice_k"


def test_signing_in_again_uses_the_same_member_and_follows_only_new_products(client, sso_provider):
    make_product("thermostat", "Northwind Thermostat")
    make_product("mesh-router", "Northwind Mesh Wi-Fi")
    map_claims(products="products")
    sso_sign_in(client, sso_provider, "sub-alice", **alice(products=["thermostat"]))
    user = db.session.scalar(select(User).where(User.username == "alice_k"))
    preferences.unfollow(user, "product", "thermostat")
    client.post("/logout")

    sso_sign_in(client, sso_provider, "sub-alice", **alice(products=["thermostat", "mesh-router"]))

    assert db.session.scalar(select(db.func.count(User.id))) == 2  # alice and the admin who mapped claims
    follows = list(db.session.scalars(select(Follow).where(Follow.user_id == user.id)))
    assert [f.product_id for f in follows] == [make_product("mesh-router").id]
    assert signed_in_as(client) == "alice_k"


def test_a_taken_username_is_asked_for_and_the_choice_is_checked(client, sso_provider):
    make_user("alice_k")
    response = sso_sign_in(client, sso_provider, "sub-alice-2", **alice(email="alice2@northwind.example"))
    assert response.headers["Location"].endswith("/sso/username")
    page = client.get("/sso/username").get_data(as_text=True)
    assert "The username “alice_k” is taken." in page and 'value="alice_k2"' in page

    taken = client.post("/sso/username", data={"username": "alice_k"})
    assert taken.status_code == 422 and "That username is taken." in taken.get_data(as_text=True)
    invalid = client.post("/sso/username", data={"username": "a b"})
    assert invalid.status_code == 422

    done = client.post("/sso/username", data={"username": "alice_from_sso"})
    assert done.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "alice_from_sso"))
    assert user.email == "alice2@northwind.example"
    assert signed_in_as(client) == "alice_from_sso"


def test_an_invalid_preferred_username_is_asked_for_with_a_suggestion(client, sso_provider):
    response = sso_sign_in(client, sso_provider, "sub-bob", email="bob@northwind.example", email_verified=True,
                           preferred_username="bob.miller@northwind")
    assert response.headers["Location"].endswith("/sso/username")
    page = client.get("/sso/username").get_data(as_text=True)
    assert "can&#39;t be a username here" in page and 'value="bob_miller"' in page


def test_no_email_from_the_provider_is_refused_with_a_message(client, sso_provider):
    response = sso_sign_in(client, sso_provider, "sub-noemail", preferred_username="nomail")
    assert response.headers["Location"] == "/login"
    assert "didn&#39;t share a usable email address" in flashed_on_login(client)
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0


# --- the admin's registration options ----------------------------------------------------------

def set_registration(*, open_registration: bool = True, allowed_domains: str = ""):
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN)) or make_user("site_admin", role=Role.ADMIN)
    with unit_of_work():
        site.update_registration(admin, open_registration=open_registration, allowed_domains=allowed_domains,
                                 require_email_confirmation=False, digest_default="off", mail_from_name="")


def members() -> set[str]:
    return set(db.session.scalars(select(User.username).where(User.role == Role.MEMBER)))


def test_closed_sign_up_refuses_new_accounts_but_linked_members_still_sign_in(client, sso_provider):
    sso_sign_in(client, sso_provider, "sub-alice", **alice(locale="en-US"))
    client.post("/logout")
    make_user("maria", email="maria@northwind.example")
    set_registration(open_registration=False)

    refused = sso_sign_in(client, sso_provider, "sub-bob", email="bob@northwind.example", email_verified=True,
                          preferred_username="bob_m")
    assert refused.status_code == 302 and refused.headers["Location"] == "/login"
    page = flashed_on_login(client)
    assert "Registration is closed" in page and "signing in with Northwind ID can&#39;t create an account" in page
    assert members() == {"alice_k", "maria"}
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 1
    assert signed_in_as(client) is None

    again = sso_sign_in(client, sso_provider, "sub-alice")
    assert again.status_code == 302 and again.headers["Location"] != "/login"
    assert signed_in_as(client) == "alice_k"
    client.post("/logout")

    # An existing member's verified address is no new account: they may still link it.
    linking = sso_sign_in(client, sso_provider, "sub-maria", email="maria@northwind.example", email_verified=True)
    assert linking.headers["Location"].endswith("/sso/link")
    assert client.post("/sso/link", data={"password": PASSWORD}).status_code == 302
    assert signed_in_as(client) == "maria" and members() == {"alice_k", "maria"}


def test_sign_up_closing_while_the_username_is_chosen_creates_nothing(client, sso_provider):
    make_user("alice_k")
    response = sso_sign_in(client, sso_provider, "sub-alice-2", **alice(email="alice2@northwind.example"))
    assert response.headers["Location"].endswith("/sso/username")
    set_registration(open_registration=False)

    chosen = client.post("/sso/username", data={"username": "alice_two"})

    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login"
    assert "can&#39;t create an account here" in flashed_on_login(client)
    assert accounts.find_by_username("alice_two") is None
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0
    assert client.get("/sso/username").headers["Location"] == "/login"  # the pending sign-in is gone


def test_allowed_email_domains_apply_to_single_sign_on_sign_ups(client, sso_provider):
    sso_sign_in(client, sso_provider, "sub-early", email="early@gmail.example", email_verified=True,
                preferred_username="early_one")
    client.post("/logout")
    set_registration(allowed_domains="northwind.example")

    outsider = sso_sign_in(client, sso_provider, "sub-outsider", email="someone@gmail.example", email_verified=True,
                           preferred_username="outsider")
    assert outsider.headers["Location"] == "/login"
    assert ("New accounts here are limited to addresses at northwind.example, and Northwind ID signed you in as "
            "someone@gmail.example") in flashed_on_login(client)
    assert accounts.find_by_username("outsider") is None

    insider = sso_sign_in(client, sso_provider, "sub-alice", **alice(locale="en-US"))
    assert insider.headers["Location"] != "/login" and signed_in_as(client) == "alice_k"
    client.post("/logout")
    assert sso_sign_in(client, sso_provider, "sub-early").headers["Location"] != "/login"  # joined before the rule
    assert signed_in_as(client) == "early_one"


# --- linking to an existing account -------------------------------------------------------------

def test_a_verified_email_links_after_the_member_confirms_with_their_password(client, sso_provider):
    member = make_user("maria", email="maria@northwind.example")
    response = sso_sign_in(client, sso_provider, "sub-maria", email="maria@northwind.example",
                           email_verified=True, preferred_username="maria_sso")
    assert response.headers["Location"].endswith("/sso/link")
    assert "You already have an account here" in client.get("/sso/link").get_data(as_text=True)
    assert signed_in_as(client) is None

    wrong = client.post("/sso/link", data={"password": "not-the-password"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0

    linked = client.post("/sso/link", data={"password": PASSWORD})
    assert linked.status_code == 302
    identity = db.session.scalar(select(SsoIdentity))
    assert (identity.user_id, identity.subject) == (member.id, "sub-maria")
    assert signed_in_as(client) == "maria"

    client.post("/logout")
    again = sso_sign_in(client, sso_provider, "sub-maria")
    assert again.status_code == 302 and signed_in_as(client) == "maria"
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_an_unverified_email_of_an_existing_member_is_never_linked(client, sso_provider):
    make_user("maria", email="maria@northwind.example")
    response = sso_sign_in(client, sso_provider, "sub-mallory", email="maria@northwind.example",
                           email_verified=False, preferred_username="mallory")
    assert response.headers["Location"] == "/login"
    assert "hasn&#39;t verified that address" in flashed_on_login(client)
    assert client.get("/sso/link").headers["Location"] == "/login"  # no pending link to confirm
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0
    assert signed_in_as(client) is None


def test_the_emailed_link_links_and_signs_in(client, sso_provider, mailbox):
    member = make_user("maria", email="maria@northwind.example")
    sso_sign_in(client, sso_provider, "sub-maria", email="maria@northwind.example", email_verified=True)
    sent = client.post("/sso/link/email")
    assert sent.status_code == 200 and "Check your email" in sent.get_data(as_text=True)
    settle()
    message = mailbox.wait_for(1, to="maria@northwind.example")[0]
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = next(word for word in text.split() if "/sso/link/confirm/" in word)
    path = urlsplit(link).path

    page = client.get(path)
    assert page.status_code == 200 and "Link and sign in" in page.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0  # opening the link links nothing
    done = client.post(path)
    assert done.status_code == 302
    assert db.session.scalar(select(SsoIdentity.user_id)) == member.id
    assert signed_in_as(client) == "maria"
    assert client.post(path).status_code == 302  # following it again is harmless


def test_a_signed_in_member_links_and_unlinks_from_settings(client, sso_provider):
    member = make_user("maria", email="maria@northwind.example")
    login(client, member)
    sso_provider.set_user("sub-other", email="m.k@elsewhere.example", email_verified=False)
    back_here(client, at_provider(start(client, intent="link", next_url="/settings/sign-in"), "sub-other"))
    page = client.get("/settings/sign-in").get_data(as_text=True)
    assert "Northwind ID" in page and "m.k@elsewhere.example" in page
    identity = db.session.scalar(select(SsoIdentity))
    assert identity.user_id == member.id

    refused = client.post(f"/settings/sign-in/{identity.id}/unlink", data={"password": "wrong-password"})
    assert refused.status_code == 422
    assert client.post(f"/settings/sign-in/{identity.id}/unlink", data={"password": PASSWORD}).status_code == 302
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0


def test_a_member_without_a_password_cannot_unlink(client, sso_provider):
    sso_sign_in(client, sso_provider, "sub-alice", **alice(locale="en-US"))  # her pages in English
    identity = db.session.scalar(select(SsoIdentity))
    page = client.get("/settings/sign-in").get_data(as_text=True)
    assert "first set a password" in page and "Unlink Northwind ID" not in page
    response = client.post(f"/settings/sign-in/{identity.id}/unlink", data={"password": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 1


# --- "single sign-on only" ----------------------------------------------------------------------

def test_single_sign_on_only_hides_password_sign_in_for_members_but_not_staff(client, sso_provider):
    admin = make_user("site_admin", role=Role.ADMIN)
    member = make_user("maria")
    login(client, admin)
    saved = client.post("/admin/sso", data={"sso_only": "on", "display_name": "name", "locale": "locale",
                                            "products": "", "segment": ""})
    assert saved.status_code == 302 and sso_accounts.sso_only()
    client.post("/logout")

    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Northwind ID" in page and 'name="password"' not in page and "Staff sign-in" in page
    assert 'name="password"' in client.get("/login?staff=1").get_data(as_text=True)
    refused = login(client, member)
    assert refused.status_code == 422 and "Members sign in with their company account" in refused.get_data(as_text=True)
    assert signed_in_as(client) is None
    register = client.get("/register").get_data(as_text=True)
    assert 'name="password"' not in register and "Join with Northwind ID" in register
    assert client.post("/register", data={"username": "newbie", "email": "n@example.com",
                                          "password": "a-long-password-1"}).status_code == 403
    assert login(client, admin).status_code == 302 and signed_in_as(client) == "site_admin"

    client.post("/logout")
    sso_sign_in(client, sso_provider, "sub-alice", **alice())
    assert signed_in_as(client) == "alice_k"


def test_single_sign_on_only_needs_a_provider(client, app):
    admin = make_user("site_admin", role=Role.ADMIN)
    login(client, admin)
    response = client.post("/admin/sso", data={"sso_only": "on", "display_name": "name"})
    assert response.status_code == 422 and "No single sign-on provider is configured" in response.get_data(as_text=True)
    assert db.session.get(SiteSetting, sso_accounts.SSO_ONLY_KEY) is None


def test_claim_mapping_is_validated(client, sso_provider):
    admin = make_user("site_admin", role=Role.ADMIN)
    login(client, admin)
    response = client.post("/admin/sso", data={"display_name": "full name", "locale": "sub", "products": "x" * 101,
                                               "segment": "https://northwind.example/claims/segment"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.count('class="field-error"') == 3
    assert sso_accounts.claim_mapping()["segment"] == ""
    page = client.get("/admin/sso").get_data(as_text=True)
    assert "http://localhost/sso/company/callback" in page and "http://localhost/sso/company/signed-out" in page
    assert make_user("plain").id and client.post("/logout") and login(client, db.session.scalar(
        select(User).where(User.username == "plain"))) and client.get("/admin/sso").status_code == 403


# --- what the provider sends is checked ---------------------------------------------------------

def test_a_tampered_id_token_is_refused_and_logged(client, sso_provider, caplog):
    sso_provider.rewrite_id_token = lambda token: with_payload(token, email="mallory@evil.example")
    with caplog.at_level(logging.WARNING, logger="forum.sso"):
        response = sso_sign_in(client, sso_provider, "sub-alice", **alice())
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "We couldn&#39;t verify what Northwind ID sent" in flashed_on_login(client)
    assert db.session.scalar(select(db.func.count(User.id))) == 0
    record = next(r for r in caplog.records if r.getMessage() == "single sign-on failed")
    assert (record.provider, record.reason) == ("company", "invalid_token")


@pytest.mark.parametrize(("change", "why"), [
    ({"aud": ["another-client"], "azp": "peercare-tests"}, "audience"),  # azp alone would pass Authlib
    ({"iss": "https://impostor.example"}, "issuer"),
    ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
    ({"nonce": "replayed-nonce"}, "nonce"),
])
def test_a_properly_signed_token_with_a_wrong_claim_is_refused(client, sso_provider, change, why):
    sso_provider.rewrite_id_token = lambda token: sso_provider.sign({**claims_of(token), **change})
    response = sso_sign_in(client, sso_provider, "sub-alice", **alice())
    assert response.headers["Location"] == "/login", why
    assert "We couldn&#39;t verify" in flashed_on_login(client)
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_the_untampered_re_signed_token_is_accepted(client, sso_provider):
    """The refusals above are about the claims: the same re-signing without a change signs in."""
    sso_provider.rewrite_id_token = lambda token: sso_provider.sign(claims_of(token))
    sso_sign_in(client, sso_provider, "sub-alice", **alice())
    assert signed_in_as(client) == "alice_k"


def test_key_rotation_is_followed_with_one_refresh_of_the_keys(client, sso_provider):
    sso_sign_in(client, sso_provider, "sub-alice", **alice())
    assert sso_provider.jwks_requests == 1
    client.post("/logout")
    sso_sign_in(client, sso_provider, "sub-alice")
    assert sso_provider.jwks_requests == 1  # the cached keys still verify

    sso_provider.rotate_key()
    client.post("/logout")
    sso_sign_in(client, sso_provider, "sub-alice")
    assert signed_in_as(client) == "alice_k"
    assert sso_provider.jwks_requests == 2


def test_an_unknown_key_id_triggers_exactly_one_refresh_then_a_refusal(client, sso_provider):
    from joserfc.jwk import RSAKey

    stranger = RSAKey.generate_key(2048, private=True).as_dict(private=True)
    sso_sign_in(client, sso_provider, "sub-alice", **alice())
    client.post("/logout")
    before = sso_provider.jwks_requests
    sso_provider.rewrite_id_token = lambda token: sso_provider.sign(claims_of(token), kid="rotated-away", key=stranger)
    response = sso_sign_in(client, sso_provider, "sub-alice")
    assert response.headers["Location"] == "/login"
    assert sso_provider.jwks_requests == before + 1
    assert signed_in_as(client) is None


# --- provider errors end on the sign-in page ----------------------------------------------------

def test_denied_consent_ends_on_the_sign_in_page(client, sso_provider):
    response = back_here(client, at_provider(start(client), deny=True))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You didn&#39;t allow Northwind ID to sign you in" in flashed_on_login(client)


def test_a_refused_sign_on_is_explained_in_the_visitors_language(client, sso_provider):
    client.set_cookie("lang", "fr")
    back_here(client, at_provider(start(client), deny=True))
    page = flashed_on_login(client)
    assert "Vous n’avez pas autorisé Northwind ID à vous connecter ici." in page
    assert "You didn&#39;t allow" not in page


def test_a_wrong_state_is_refused(client, sso_provider):
    sso_provider.set_user("sub-alice", **alice())
    location = at_provider(start(client), "sub-alice")
    forged = location.replace("state=", "state=forged")
    response = back_here(client, forged)
    assert response.headers["Location"] == "/login"
    assert "started in another browser tab or has expired" in flashed_on_login(client)
    other_browser = client.application.test_client()
    assert back_here(other_browser, location).headers["Location"] == "/login"
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_a_code_used_twice_is_refused_the_second_time(client, sso_provider):
    sso_provider.set_user("sub-alice", **alice())
    authorize_url = start(client)
    location = at_provider(authorize_url, "sub-alice")
    with client.session_transaction() as session:
        saved = dict(session)
    assert back_here(client, location).status_code == 302 and signed_in_as(client) == "alice_k"
    client.post("/logout")
    with client.session_transaction() as session:
        session.clear()
        session.update(saved)  # the same browser state again: only the code is stale
    response = back_here(client, location)
    assert response.headers["Location"] == "/login"
    assert "took too long or was already used" in flashed_on_login(client)


def test_an_unreachable_provider_ends_on_the_sign_in_page(client, app, sso_provider, caplog):
    sso_provider.fail_with = 503
    with caplog.at_level(logging.WARNING, logger="forum.sso"):
        response = client.post("/sso/company/start", data={"intent": "sign_in"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "We couldn&#39;t reach Northwind ID just now" in flashed_on_login(client)
    assert any(getattr(r, "reason", None) == "unreachable" for r in caplog.records)

    sso_provider.fail_with = None
    sso_provider.set_user("sub-alice", **alice())
    location = at_provider(start(client), "sub-alice")
    sso_provider.fail_with = 502  # down between the redirect and the way back
    assert back_here(client, location).headers["Location"] == "/login"
    assert "We couldn&#39;t reach Northwind ID" in flashed_on_login(client)


def test_a_provider_nobody_listens_on_ends_on_the_sign_in_page(client, app, sso_provider):
    from forum import sso

    app.config["SSO_PROVIDERS"] = {"company": {"issuer": "http://127.0.0.1:9", "client_id": "x", "label": "Gone"}}
    sso.init_app(app)
    response = client.post("/sso/company/start", data={"intent": "sign_in"})
    assert response.headers["Location"] == "/login"
    assert "We couldn&#39;t reach Gone" in flashed_on_login(client)


def test_unknown_providers_and_stray_callbacks_are_not_errors(client, sso_provider):
    assert client.post("/sso/nobody/start").status_code == 404
    assert client.get("/sso/company/callback").headers["Location"] == "/login"
    assert client.get("/sso/company/callback?code=x&state=y").headers["Location"] == "/login"
    assert client.get("/sso/username").headers["Location"] == "/login"
    assert client.post("/sso/link", data={"password": "x"}).headers["Location"] == "/login"
    assert client.get("/sso/link/confirm/not-a-token").status_code == 400


# --- signing out ----------------------------------------------------------------------------------

def test_signing_out_offers_to_sign_out_at_the_provider(client, sso_provider):
    sso_sign_in(client, sso_provider, "sub-alice", **alice())
    id_token = sso_provider.token_responses[-1]["id_token"]
    response = client.post("/logout")
    assert response.headers["Location"] == "/signed-out"
    assert signed_in_as(client) is None
    assert "Also sign out of Northwind ID" in client.get("/signed-out").get_data(as_text=True)

    to_provider = client.post("/sso/company/logout")
    location = to_provider.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(sso_provider.issuer + "/oauth2/end_session")
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://localhost/sso/company/signed-out"]
    confirm = requests.get(location, timeout=10)
    assert "End session" in confirm.text
    redirect_uri = confirm.text.split('name="redirect_uri" value="')[1].split('"')[0].replace("&amp;", "&")
    back = requests.post(f"{sso_provider.issuer}/oauth2/end_session/confirm", data={"redirect_uri": redirect_uri},
                         allow_redirects=False, timeout=10).headers["Location"]
    done = back_here(client, back)
    assert done.status_code == 302
    assert "You are signed out here and at Northwind ID." in client.get("/").get_data(as_text=True)


def test_a_password_member_signs_out_as_before(client, sso_provider):
    member = make_user("maria")
    login(client, member)
    assert client.post("/logout").headers["Location"] == "/"


# --- privacy ------------------------------------------------------------------------------------

def test_a_member_without_a_password_deletes_after_signing_in_again(client, sso_provider):
    sso_sign_in(client, sso_provider, "sub-alice", **alice(locale="en-US"))  # her pages in English
    user = db.session.scalar(select(User).where(User.username == "alice_k"))
    export = client.get("/settings/privacy/export.json").get_json()
    assert export["single_sign_on"]["identities"][0]["subject"] == "sub-alice"
    assert export["single_sign_on"]["display_name"] == "Alice Keller"

    with client.session_transaction() as session:
        session["sso"] = {**session["sso"], "at": time.time() - 3600}  # signed in an hour ago
    page = client.get("/settings/privacy").get_data(as_text=True)
    assert "Confirm with Northwind ID" in page
    assert client.post("/settings/privacy/delete", data={"confirmation": "DELETE"}).status_code == 422

    back_here(client, at_provider(start(client, intent="reauthenticate", next_url="/settings/privacy"), "sub-alice"))
    response = client.post("/settings/privacy/delete", data={"confirmation": "DELETE"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.deleted_at is not None and (user.display_name, user.locale) == ("", "")
    assert db.session.scalar(select(db.func.count(SsoIdentity.id))) == 0

    client.post("/logout")
    again = sso_sign_in(client, sso_provider, "sub-alice")  # a new member, not the deleted account
    assert again.status_code == 302
    assert db.session.scalar(select(db.func.count(User.id)).where(User.deleted_at.is_(None))) == 1
