"""Confirming the email address and resetting a forgotten password, read back from a real SMTP server."""

import html
import re
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ApiToken, User
from forum.policy import can
from forum.services import account_email, accounts, comments, outbox, privacy, questions, tokens
from forum.services.errors import NotAllowed
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import PASSWORD, make_product, make_question, make_tags, make_user

NEW_PASSWORD = "violet-kettle-harbour"
UNCONFIRMED = "confirm your email address"


def settle(timeout: float = 15.0) -> None:
    """Hand over waiting outbox work (account mail is background work) and wait until none is left."""
    outbox.sweep()
    deadline = time.monotonic() + timeout
    while outbox.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)
        db.session.rollback()


def text_part(message) -> str:
    return next(part.get_content() for part in message.walk() if part.get_content_type() == "text/plain")


def html_part(message) -> str:
    return next(part.get_content() for part in message.walk() if part.get_content_type() == "text/html")


def link_path(message, route: str) -> str:
    """The path of the first link to `route` in the plain-text part, as a reader would follow it."""
    url = re.search(rf"https?://\S+/{route}/\S+", text_part(message)).group(0)
    return urlsplit(url).path


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def confirmation_required(app):
    app.config["REQUIRE_EMAIL_CONFIRMATION"] = True
    yield
    app.config["REQUIRE_EMAIL_CONFIRMATION"] = False


@contextmanager
def signed_hours_ago(hours: float):
    """Tokens made inside are stamped `hours` ago (itsdangerous reads the clock for signing and checking)."""
    then = int(time.time() - hours * 3600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: then)
        yield


def confirmed_user() -> User:
    """A member who has followed their confirmation link."""
    user = make_user()
    return account_email.confirm_email(account_email.confirmation_token(user))


# --- email confirmation ----------------------------------------------------------------------

def test_without_the_setting_unconfirmed_members_post_and_get_no_confirmation_mail(client, mailbox):
    login(client, make_user("nadia_r", email="nadia@example.com"))  # e.g. made by an operator
    user = accounts.find_by_username("nadia_r")
    assert user.email_confirmed_at is None
    make_product()
    make_tags("offline")
    question = questions.ask(user, title="Does the hub work without the cloud?",
                             body="I want to keep the schedule local; is that supported by the hub?",
                             tags=["offline"], product="thermostat")
    assert question.id
    settle()
    assert mailbox.messages() == []
    assert UNCONFIRMED not in page(client.get("/"))


def test_required_confirmation_blocks_posting_everywhere_until_the_link_is_confirmed(
        app, client, mailbox, confirmation_required):
    other_question = make_question(confirmed_user())
    login(client, make_user("nadia_r", email="nadia@example.com"))  # e.g. made by an operator
    user = accounts.find_by_username("nadia_r")
    assert user.email_confirmed_at is None

    home = page(client.get("/"))
    assert "Please confirm your email address before you ask, answer, comment or suggest edits" in home
    assert "nadia@example.com" in home and "Send a new link" in home
    refused = client.post("/questions/ask", data={"title": "Does the hub work without the cloud?",
                                                  "body": "I want to keep the schedule local; is that supported?",
                                                  "tags": "offline", "product": "thermostat"})
    assert refused.status_code == 403
    assert "confirm your email address" in page(refused)
    api = {"Authorization": f"Bearer {tokens.create_token(user, 'script')}"}
    r = client.post(f"/api/v1/questions/{other_question.id}/answers", headers=api,
                    json={"body": "Hold the menu button for ten seconds, then clear it."})
    assert r.status_code == 403 and UNCONFIRMED in r.get_json()["error"]["message"]
    with pytest.raises(NotAllowed, match=UNCONFIRMED):
        comments.post_comment(user, PostKind.QUESTION, other_question.id, body="Which firmware version is that?")

    settle()
    [message] = mailbox.wait_for(1, to="nadia@example.com")
    assert message["Subject"] == "Confirm your email address"
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert "Unsubscribe" not in html_part(message)
    path = link_path(message, "confirm-email")
    assert path in html_part(message)

    scanner = app.test_client()  # a mail scanner prefetching the link, no session
    shown = scanner.get(path)
    assert shown.status_code == 200 and "Confirm my email" in page(shown)
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None  # opening the link confirms nothing

    confirmed = client.post(path, follow_redirects=True)
    assert "your email address is confirmed" in page(confirmed)
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    assert UNCONFIRMED not in page(client.get("/"))
    r = client.post(f"/api/v1/questions/{other_question.id}/answers", headers=api,
                    json={"body": "Hold the menu button for ten seconds, then clear it."})
    assert r.status_code == 201
    assert "already confirmed" in page(client.get(path))


def test_confirmation_links_expire_and_refuse_tampering(client, confirmation_required):
    user = make_user()
    with signed_hours_ago(49):
        expired = account_email.confirmation_token(user)
    with signed_hours_ago(47):
        fresh = account_email.confirmation_token(user)
    tampered = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")
    for token, message in ((expired, "has expired: links work for 48 hours"), (tampered, "isn't valid"),
                           ("x" * 600, "isn't valid")):
        for method in (client.get, client.post):
            r = method(f"/confirm-email/{token}")
            assert r.status_code == 400, (token, method)
            assert message in page(r)
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None
    assert client.post(f"/confirm-email/{fresh}").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None


def test_a_reset_token_is_no_confirmation_token(client):
    user = make_user()
    r = client.post(f"/confirm-email/{account_email.reset_token(user)}")
    assert r.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None


def test_changing_the_email_needs_a_new_confirmation_and_old_links_stop_working(
        client, mailbox, confirmation_required):
    user = make_user()
    old_link = f"/confirm-email/{account_email.confirmation_token(user)}"
    assert client.post(old_link).status_code == 302
    settle()
    mailbox.clear()
    login(client, user)
    assert client.post("/settings/email", data={"email": "New.Address@Example.com", "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email == "new.address@example.com" and user.email_confirmed_at is None
    settings = re.sub(r"</?strong>", "", page(client.get("/settings")))
    assert "new.address@example.com is not confirmed yet" in settings
    assert not can(user, "question:ask")

    r = client.get(old_link)
    assert r.status_code == 400 and "no longer on the account" in page(r)
    settle()
    [message] = mailbox.wait_for(1, to="new.address@example.com")
    assert mailbox.messages(to=f"{user.username}@example.com") == []
    assert client.post(link_path(message, "confirm-email")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None


def test_resend_from_settings_sends_a_fresh_link_only_while_unconfirmed(client, mailbox):
    user = make_user()
    login(client, user)
    assert "is not confirmed yet" in page(client.get("/settings"))
    r = client.post("/settings/email/confirmation", follow_redirects=True)
    assert f"We sent a new confirmation link to {user.email}" in page(r)
    settle()
    [message] = mailbox.wait_for(1, to=user.email)
    assert client.post(link_path(message, "confirm-email")).status_code == 302
    mailbox.clear()
    r = client.post("/settings/email/confirmation", follow_redirects=True)
    assert "already confirmed" in page(r)
    assert "is confirmed." in page(client.get("/settings"))
    settle()
    assert mailbox.messages() == []


def test_operators_vouch_for_the_admin_address(app, confirmation_required):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "site_owner", "owner@example.com", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    admin = accounts.find_by_username("site_owner")
    assert admin.email_confirmed_at is not None
    make_product()
    assert questions.ask(admin, title="Welcome to the community: read this first",
                         body="Be kind, be specific, and never post passwords or order numbers.",
                         tags=["meta"], product="thermostat").id


# --- password reset --------------------------------------------------------------------------

def test_sign_in_page_links_to_forgot_password(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)
    assert client.get("/password/forgot").status_code == 200


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(client, mailbox):
    member = make_user(email="known@example.com")
    gone = make_user(email="gone@example.com")
    privacy.delete_account(gone, password=PASSWORD, confirmation="DELETE")
    answers = {}
    for address in ("known@example.com", "Known@Example.com ", "nobody@example.com", "gone@example.com"):
        r = client.post("/password/forgot", data={"email": address})
        answers[address] = (r.status_code, r.get_data(as_text=True))
    assert len(set(answers.values())) == 1
    status, body = answers["nobody@example.com"]
    assert status == 200 and "If an account uses that address, we've sent it a link" in html.unescape(body)
    settle()
    received = mailbox.wait_for(2, to=member.email)
    assert len(received) == 2
    assert {rcpt for rcpts, _ in mailbox.received for rcpt in rcpts} == {"known@example.com"}
    r = client.post("/password/forgot", data={"email": "not an address"})
    assert r.status_code == 422


def test_accounts_deleted_before_the_mail_goes_out_get_none(mailbox):
    member = make_user()
    privacy.delete_account(member, password=PASSWORD, confirmation="DELETE")
    account_email.send_password_reset({"user_id": member.id})  # what the outbox runs after the request
    account_email.send_confirmation({"user_id": member.id})
    account_email.send_password_reset({"user_id": None})  # an address that matched no account
    assert mailbox.messages() == []


def test_reset_link_sets_the_password_once_and_ends_sessions_and_tokens(app, client, mailbox):
    member = make_user()
    elsewhere = app.test_client()
    login(elsewhere, member)
    assert elsewhere.get("/settings").status_code == 200
    api = {"Authorization": f"Bearer {tokens.create_token(member, 'script')}"}
    assert client.get("/api/v1/me", headers=api).status_code == 200

    assert client.post("/password/forgot", data={"email": member.email}).status_code == 200
    settle()
    [message] = mailbox.wait_for(1, to=member.email)
    assert message["Subject"] == "Reset your password"
    assert message["List-Unsubscribe"] is None
    assert "works for 1 hour and only once" in text_part(message)
    path = link_path(message, "password/reset")

    form = client.get(path)
    assert form.status_code == 200 and member.username in page(form)
    assert form.headers["Referrer-Policy"] == "no-referrer" and form.headers["Cache-Control"] == "no-store"
    weak = client.post(path, data={"password": "password123"})
    assert weak.status_code == 422 and "attackers try first" in page(weak)
    short = client.post(path, data={"password": "short"})
    assert short.status_code == 422 and "at least 10 characters" in page(short)

    done = client.post(path, data={"password": NEW_PASSWORD})
    assert done.status_code == 302 and urlsplit(done.headers["Location"]).path == "/login"
    assert elsewhere.get("/settings").status_code == 302  # the other session is over
    assert client.get("/api/v1/me", headers=api).status_code == 401
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == member.id)) is not None
    assert accounts.authenticate(member.username, PASSWORD) is None
    assert accounts.authenticate(member.username, NEW_PASSWORD).id == member.id

    for again in (client.get(path), client.post(path, data={"password": "another-fine-passphrase"})):
        assert again.status_code == 400
        assert "already been used" in page(again)
    assert accounts.authenticate(member.username, NEW_PASSWORD).id == member.id
    assert login(client, member, NEW_PASSWORD).status_code == 302


def test_reset_links_expire_refuse_tampering_and_die_with_a_password_change(client):
    member = make_user()
    with signed_hours_ago(2):
        expired = account_email.reset_token(member)
    with signed_hours_ago(0.5):
        fresh = account_email.reset_token(member)
    assert client.get(f"/password/reset/{fresh}").status_code == 200
    tampered = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")
    confirmation = account_email.confirmation_token(member)
    for token, message in ((expired, "has expired: links work for 1 hour"), (tampered, "isn't valid"),
                           (confirmation, "isn't valid")):
        r = client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD})
        assert r.status_code == 400, token
        assert message in page(r)
    assert accounts.authenticate(member.username, PASSWORD) is not None

    accounts.change_password(member, PASSWORD, "a-password-changed-meanwhile")
    r = client.get(f"/password/reset/{fresh}")
    assert r.status_code == 400 and "already been used or is out of date" in page(r)


def test_a_reset_confirms_an_unconfirmed_address(client, confirmation_required):
    member = make_user()
    assert client.post(f"/password/reset/{account_email.reset_token(member)}",
                       data={"password": NEW_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).email_confirmed_at is not None


@pytest.mark.usefixtures("rate_limits")
class TestLimits:
    def test_forgot_password_is_limited_per_ip_and_per_address(self, client):
        codes = [client.post("/password/forgot", data={"email": f"someone{n}@example.com"},
                             environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code for n in range(6)]
        assert codes == [200] * 5 + [429]
        codes = [client.post("/password/forgot", data={"email": "target@example.com"},
                             environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code for n in range(4)]
        assert codes == [200] * 3 + [429]

    def test_resending_the_confirmation_is_limited_per_member(self, client):
        login(client, make_user())
        codes = [client.post("/settings/email/confirmation").status_code for _ in range(4)]
        assert codes == [302] * 3 + [429]
