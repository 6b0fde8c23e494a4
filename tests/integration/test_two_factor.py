"""Two-factor sign-in: set up, sign in with a code, refuse wrong and replayed codes, staff enforcement."""

import time

import pyotp
import pytest

from forum.extensions import db
from forum.services import twofactor
from tests.conftest import login
from tests.factories import PASSWORD, make_user


def _enable(client, user) -> str:
    login(client, user)
    client.post("/settings/two-factor/setup")
    db.session.refresh(user)
    secret = user.totp_secret
    assert secret is not None
    assert user.totp_enabled_at is None
    r = client.post("/settings/two-factor/enable", data={"code": pyotp.TOTP(secret).now()}, follow_redirects=True)
    assert "Two-factor sign-in is on" in r.get_data(as_text=True)
    client.post("/logout")
    return secret


def test_sign_in_asks_for_a_code_and_refuses_replay(app, client):
    user = make_user()
    secret = _enable(client, user)
    r = client.post("/login", data={"login": user.username, "password": PASSWORD})
    assert r.headers["Location"].endswith("/login/two-factor")
    assert client.get("/settings").status_code == 302  # not signed in yet
    assert client.post("/login/two-factor", data={"code": "000000"}).status_code == 422
    # A code already used (the one that enabled it) is refused: one use per time-step.
    db.session.expire_all()
    used = pyotp.TOTP(secret).generate_otp(user.totp_last_counter)
    assert client.post("/login/two-factor", data={"code": used}).status_code == 422
    fresh = pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 + 1)
    r = client.post("/login/two-factor", data={"code": fresh})
    assert r.status_code == 302
    assert client.get("/settings").status_code == 200


def test_disable_needs_password_and_code(client):
    user = make_user()
    secret = _enable(client, user)
    db.session.refresh(user)
    user.totp_last_counter = None
    db.session.commit()
    client.post("/login", data={"login": user.username, "password": PASSWORD})
    client.post("/login/two-factor", data={"code": pyotp.TOTP(secret).now()})
    client.post("/settings/two-factor/disable", data={"password": "wrong", "code": "123456"})
    db.session.refresh(user)
    assert user.totp_enabled_at is not None
    user.totp_last_counter = None
    db.session.commit()
    client.post("/settings/two-factor/disable",
                data={"password": PASSWORD, "code": pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 - 1)})
    db.session.refresh(user)
    assert user.totp_enabled_at is None


@pytest.fixture
def staff_must(app):
    app.config["REQUIRE_STAFF_2FA"] = True
    yield
    app.config["REQUIRE_STAFF_2FA"] = False


def test_staff_must_set_it_up_when_required(client, staff_must):
    mod = make_user(role="moderator")
    login(client, mod)
    r = client.get("/settings")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/settings/two-factor")
    assert client.get("/settings/two-factor").status_code == 200
    member = make_user()
    client.post("/logout")
    login(client, member)
    assert client.get("/settings").status_code == 200


def test_codes_outside_the_window_are_refused():
    secret = twofactor.new_secret()
    far = pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 - 5)
    assert twofactor._matching_counter(secret, far) is None
    assert twofactor._matching_counter(secret, "12ab56") is None
