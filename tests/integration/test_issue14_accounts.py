"""Issue 14's account and session findings (10, 11, 12, 14, 15): one regression test (or a few) each."""

import stat

import pytest

from forum.extensions import db
from forum.models import Role
from moderation import actions
from tests.conftest import login
from tests.factories import PASSWORD, make_question, make_user


def test_finding10_a_copied_session_cookie_stops_working_after_sign_out(app):
    user = make_user()
    browser = app.test_client()
    login(browser, user)
    cookie = browser.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/settings").status_code == 200
    browser.post("/logout")
    assert browser.get("/settings").status_code == 302
    assert thief.get("/settings").status_code == 302
    assert thief.get("/api/v1/me").status_code == 401


def test_finding10_signing_out_ends_only_that_sign_in_and_its_remember_me_cookie(app):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    laptop.post("/login", data={"login": user.username, "password": PASSWORD, "remember": "y"})
    login(phone, user)
    remember = laptop.get_cookie("remember_token")
    assert remember is not None
    laptop.post("/logout")
    assert phone.get("/settings").status_code == 200
    returning = app.test_client()
    returning.set_cookie("remember_token", remember.value)
    assert returning.get("/settings").status_code == 302


@pytest.mark.usefixtures("rate_limits")
def test_finding11_a_stranger_cannot_lock_the_owner_out(client):
    owner = make_user(email="owner@example.com")
    for login_name in (owner.username, "OWNER@example.com"):
        for _ in range(6):
            client.post("/login", data={"login": login_name, "password": "wrong-password!"},
                        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    stranger = client.post("/login", data={"login": owner.username, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert stranger.status_code == 429  # the stranger's own address is slowed down
    owner_signs_in = client.post("/login", data={"login": owner.username, "password": PASSWORD},
                                 environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert owner_signs_in.status_code == 302


@pytest.mark.usefixtures("rate_limits")
def test_finding11_username_and_email_share_one_budget_per_account_and_source(client):
    owner = make_user(email="shared@example.com")
    codes = []
    for n in range(6):
        login_name = owner.username if n % 2 else "shared@example.com"
        codes.append(client.post("/login", data={"login": login_name, "password": "wrong-password!"},
                                 environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code)
    assert codes[:5] == [422] * 5 and codes[5] == 429


@pytest.mark.usefixtures("rate_limits")
def test_finding11_one_source_trying_many_accounts_is_capped(app, client):
    app.config["LOGIN_SOURCE_FAILURES_BEFORE_DELAY"] = 8
    try:
        member = make_user()
        for n in range(8):
            # each a different name, and fewer than the address's 10 sign-ins a minute
            client.post("/login", data={"login": f"guess{n}", "password": "wrong-password!"},
                        environ_base={"REMOTE_ADDR": "203.0.113.20"})
        r = client.post("/login", data={"login": member.username, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "203.0.113.20"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert client.post("/login", data={"login": member.username, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302
    finally:
        app.config["LOGIN_SOURCE_FAILURES_BEFORE_DELAY"] = 20


def test_finding14_moderator_back_field_never_leaves_the_site(client):
    moderator = make_user(role=Role.MODERATOR)
    question = make_question()
    login(client, moderator)
    for back in ("/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example", "https://evil.example"):
        r = client.post(f"/mod/question/{question.id}/delete", data={"back": back, "reason": "test"})
        assert r.status_code == 302
        assert "evil" not in r.headers["Location"], back
        actions.undelete_post("question", question.id, moderator=moderator, reason="again")
        db.session.commit()
    r = client.post(f"/mod/question/{question.id}/delete", data={"back": f"/mod/questions/{question.id}"})
    assert r.headers["Location"].endswith(f"/mod/questions/{question.id}")


def test_finding15_without_a_configured_key_each_instance_generates_and_keeps_its_own(tmp_path, monkeypatch):
    from forum import create_app
    from forum.config import Config

    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    assert Config.SECRET_KEY is None  # no key in the code: SECRET_KEY is unset here
    # (limits off: the limiter is shared by every app, and the suite's app runs without them)
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "ENVIRONMENT": "development", "RATELIMIT_ENABLED": False}
    first = create_app(settings, instance_path=str(tmp_path / "one"))
    again = create_app(settings, instance_path=str(tmp_path / "one"))
    other = create_app(settings, instance_path=str(tmp_path / "two"))
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32
    assert again.config["SECRET_KEY"] == key  # kept across restarts: sessions survive
    assert other.config["SECRET_KEY"] != key  # never one key shared by every instance
    key_file = tmp_path / "one" / "secret_key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_finding15_production_still_refuses_to_start_without_a_key(tmp_path, monkeypatch):
    from forum import create_app
    from forum.security import InsecureConfiguration

    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None, "ENVIRONMENT": "production",
                    "RATELIMIT_ENABLED": False},
                   instance_path=str(tmp_path))
    assert not (tmp_path / "secret_key").exists()


def test_finding12_signing_up_answers_the_same_whether_or_not_the_address_has_an_account(client, mailbox):
    from tests.integration.test_account_email import link_path, page, settle, text_part

    owner = make_user("olga", email="olga@example.com")
    taken = client.post("/register", data={"username": "olga_two", "email": "Olga@Example.com",
                                           "password": "a-long-enough-passphrase"})
    fresh = client.post("/register", data={"username": "petra_new", "email": "petra@example.com",
                                           "password": "a-long-enough-passphrase"})
    assert taken.status_code == fresh.status_code == 200
    assert page(taken).replace("olga@example.com", "X") == page(fresh).replace("petra@example.com", "X")
    assert "already" not in page(taken)
    assert client.get("/settings").status_code == 302  # nobody is signed in by either
    assert client.post("/login", data={"login": "olga_two", "password": "a-long-enough-passphrase"}).status_code == 422
    assert client.post("/login", data={"login": "petra_new", "password": "a-long-enough-passphrase"}).status_code == 422
    assert client.get("/users?q=petra_new").get_data(as_text=True).count("petra_new") <= 1  # only the search box

    settle()
    [note] = mailbox.wait_for(1, to=owner.email)
    assert note["Subject"] == "Someone tried to sign up with your address"
    assert "/password/forgot" in text_part(note) and "/login" in text_part(note)
    [link_mail] = mailbox.wait_for(1, to="petra@example.com")
    path = link_path(link_mail, "register/finish")
    assert "Create my account" in page(client.get(path))
    assert client.get("/settings").status_code == 302  # opening the link creates nothing
    r = client.post(path, follow_redirects=True)
    assert "Welcome to the community, petra_new!" in page(r)
    assert client.get("/settings").status_code == 200
    assert client.post(path).status_code == 400  # once only


def test_finding14_a_back_or_next_that_is_not_a_url_at_all_is_refused_without_an_error(client):
    moderator = make_user(role=Role.MODERATOR)
    question = make_question()
    login(client, moderator)
    r = client.post(f"/mod/question/{question.id}/delete", data={"back": "http://[::1/bad"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/mod/")
