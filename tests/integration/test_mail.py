"""Immediate notification email through a real SMTP server, read back with the `email` package."""

import email
import email.policy
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

from sqlalchemy import select

from forum import mail, tasks
from forum.extensions import db
from forum.models import EmailSubscription, Notification, OutboxMessage
from forum.services import notifications, outbox, preferences, privacy
from forum.transaction import transactional, unit_of_work
from tests.broker import broker_down
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.smtp_sink import free_port


def settle(timeout: float = 15.0) -> None:
    """Hand over waiting outbox work (mail is background work) and wait until none is left."""
    outbox.sweep()
    deadline = time.monotonic() + timeout
    while outbox.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)
        db.session.rollback()


@contextmanager
def mail_server_down(app):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    mail.init_app(app)
    try:
        yield
    finally:
        app.config["MAIL_PORT"] = port
        mail.init_app(app)


@transactional
def opted_in(*kinds: str, **settings):
    user = make_user()
    preferences.update_choices(user, digest=settings.get("digest", "off"),
                               time_zone=settings.get("time_zone", "UTC"), email_kinds=set(kinds))
    return user


def _parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk()
            if part.get_content_maintype() == "text"}


def _path(url: str) -> str:
    return urlsplit(url).path


def test_opted_in_member_gets_a_two_part_email_with_one_click_headers(mailbox):
    asker = opted_in("answer")
    question = make_question(asker, title="Thermostat shows E4 after the update")
    answer = make_answer(question, body="Hold the menu button for ten seconds, then clear the schedule.")
    settle()
    [message] = mailbox.wait_for(1, to=asker.email)
    assert message["To"] == asker.email
    assert "PeerCare" in message["From"]
    assert message["Subject"] == f"{answer.author.username} answered your question “Thermostat shows E4 after the update”"
    assert message["Message-ID"] and message["Date"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip()  # a long URL is folded onto its own line
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert "Hold the menu button" in parts["text/plain"]
    assert f"#answer-{answer.id}" in parts["text/plain"]
    assert f"#answer-{answer.id}" in parts["text/html"]
    assert unsubscribe[1:-1] in parts["text/plain"]


def test_no_email_without_opting_in_or_for_other_kinds(mailbox):
    silent, comments_only = make_user(), opted_in("comment")
    make_answer(make_question(silent))
    make_answer(make_question(comments_only))
    settle()
    assert mailbox.messages() == []
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == comments_only.id))


def test_one_click_unsubscribe_works_once_without_cookies(app, mailbox):
    asker = opted_in("answer", "comment")
    question = make_question(asker)
    make_answer(question)
    settle()
    [message] = mailbox.wait_for(1, to=asker.email)
    url = message["List-Unsubscribe"].strip()[1:-1]
    scanner = app.test_client()
    page = scanner.get(_path(url))
    assert page.status_code == 200
    assert "Answers to my questions" in page.get_data(as_text=True)
    assert preferences.wants_email(asker.id, "answer")  # a GET (link scanner) changes nothing
    mail_client = app.test_client(use_cookies=False)
    first = mail_client.post(_path(url), data="List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
    assert first.status_code == 200
    assert "You are unsubscribed" in first.get_data(as_text=True)
    assert "Set-Cookie" not in first.headers or "session=" not in first.headers["Set-Cookie"]
    second = mail_client.post(_path(url), data="List-Unsubscribe=One-Click",
                              content_type="application/x-www-form-urlencoded")
    assert second.status_code == 200
    assert "already unsubscribed" in second.get_data(as_text=True)
    db.session.expire_all()
    assert not preferences.wants_email(asker.id, "answer")
    assert preferences.wants_email(asker.id, "comment")  # only the kind the email was about
    mailbox.clear()
    make_answer(question)
    settle()
    assert mailbox.messages() == []


def test_tampered_unsubscribe_link_is_refused(app, mailbox):
    asker = opted_in("answer")
    make_answer(make_question(asker))
    settle()
    [message] = mailbox.wait_for(1, to=asker.email)
    path = _path(message["List-Unsubscribe"].strip()[1:-1])
    token = path.rsplit("/", 1)[1]
    forged_for_other = preferences.unsubscribe_token(asker.id + 1, "answer")[:-3] + token[-3:]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged_for_other, "nonsense"):
        client = app.test_client(use_cookies=False)
        assert client.post(f"/unsubscribe/{bad}", data="List-Unsubscribe=One-Click").status_code == 404
        assert client.get(f"/unsubscribe/{bad}").status_code == 404
    assert preferences.wants_email(asker.id, "answer")


def test_titles_cannot_inject_headers(mailbox):
    assert mail.header_text("Help\r\nBcc: victim@example.com\x00\u2028X") == "Help Bcc: victim@example.com X"
    assert len(mail.header_text("x" * 500)) == mail.SUBJECT_MAX
    asker = opted_in("answer")
    question = make_question(asker, title="Subject: Bcc: thief@example.com line")
    make_answer(question)
    settle()
    [message] = mailbox.wait_for(1, to=asker.email)
    assert message["Bcc"] is None
    assert "Bcc: thief@example.com" in message["Subject"]
    assert [rcpts for rcpts, _ in mailbox.received] == [[asker.email]]


def test_deleted_account_never_gets_mail(app, client, mailbox):
    asker = opted_in("answer", digest="daily")
    question = make_question(asker)
    with broker_down(app):
        make_answer(question)  # the notification and its email wait in the outbox…
    with unit_of_work():
        privacy.delete_account(asker, password=PASSWORD, confirmation="DELETE")
    settle()
    make_answer(question)
    settle()
    assert mailbox.messages() == []
    assert db.session.scalar(select(EmailSubscription.kind).where(EmailSubscription.user_id == asker.id)) is None


def test_opting_out_after_the_notification_still_sends_nothing(app, mailbox):
    asker = opted_in("answer")
    question = make_question(asker)
    with broker_down(app):
        make_answer(question)
    with unit_of_work():
        preferences.update_choices(asker, digest="off", time_zone="UTC", email_kinds=set())
    settle()
    assert mailbox.messages() == []


def test_without_a_mail_server_messages_are_written_to_the_mail_folder(app, tmp_path):
    user = make_user()
    saved = app.config["MAIL_SERVER"], app.config["MAIL_FOLDER"]
    app.config.update(MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path))
    try:
        with app.test_request_context():
            message = mail.render("notification", to=user.email, subject="Hello\nthere", unsubscribe_url="http://x/u",
                                  user=user, summary="Something happened", link="http://x/q", kind_label="Answers",
                                  settings_url="http://x/s", excerpt="")
            mail.send(message)
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_FOLDER"] = saved
    [written] = list(tmp_path.glob("*.eml"))
    parsed = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Hello there"
    assert parsed["List-Unsubscribe"] == "<http://x/u>"


def test_preferences_page_saves_choices_and_refuses_nonsense(client):
    user = make_user()
    login(client, user)
    page = client.get("/settings/notifications")
    assert page.status_code == 200
    assert 'name="email_kind" value="mention"' in page.get_data(as_text=True)
    r = client.post("/settings/notifications", data={"digest": "weekly", "time_zone": "Europe/Berlin",
                                                     "email_kind": ["answer", "mention"]})
    assert r.status_code == 302
    choices = preferences.choices(user.id)
    assert (choices.digest, choices.time_zone, choices.email_kinds) == ("weekly", "Europe/Berlin",
                                                                        frozenset({"answer", "mention"}))
    assert client.post("/settings/notifications", data={"digest": "hourly", "time_zone": "UTC"}).status_code == 422
    assert client.post("/settings/notifications", data={"digest": "daily", "time_zone": "Mars/Olympus"}).status_code == 422
    assert client.post("/settings/notifications", data={"digest": "daily", "time_zone": "UTC",
                                                        "email_kind": "spam"}).status_code == 422
    assert preferences.choices(user.id).digest == "weekly"
    assert "Notifications and email" in client.get("/settings").get_data(as_text=True)


def test_mail_server_down_leaves_the_message_for_a_retry(app, mailbox):
    asker = opted_in("answer")
    question = make_question(asker)
    with broker_down(app):
        notifications.notify(asker.id, "answer", question_id=question.id)
        db.session.commit()
    message_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == notifications.EMAIL))
    with mail_server_down(app):
        assert "mail server unavailable" in str(tasks.attempt_delivery(message_id))
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    assert (row.attempts, row.done_at) == (1, None)
    assert mailbox.messages() == []
    assert tasks.attempt_delivery(message_id) is None
    with unit_of_work():
        assert outbox.deliver(message_id) is False  # delivered once, however often it is handed over
    assert len(mailbox.wait_for(1, to=asker.email)) == 1


def test_a_quiet_product_gets_no_immediate_email_but_other_products_do(client, mailbox):
    """README, "Notifications, email digests and feeds": email consent per product, honoured for immediate email (digests: test_digests)."""
    asker = opted_in("answer")
    quiet_question = make_question(asker, title="Meter reading is a day behind the bill", product="meter")
    loud_question = make_question(asker, title="Thermostat display flickers at night", product="thermostat")
    login(client, asker)
    r = client.post("/settings/notifications", data={"digest": "off", "time_zone": "UTC", "email_kind": "answer",
                                                     "quiet_product": str(quiet_question.product_id)})
    assert r.status_code == 302
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert f'name="quiet_product" value="{quiet_question.product_id}" checked' in page
    make_answer(quiet_question, body="Readings are uploaded once a day at midnight.")
    make_answer(loud_question, body="Turn off the night dimming in the display menu.")
    settle()
    [message] = mailbox.wait_for(1, to=asker.email)
    assert "Thermostat display flickers" in message["Subject"]
    time.sleep(0.3)
    assert len(mailbox.messages()) == 1
    assert len(db.session.scalars(select(Notification).where(Notification.user_id == asker.id)).all()) == 2
    assert client.post("/settings/notifications", data={"digest": "off", "time_zone": "UTC",
                                                        "quiet_product": "999999"}).status_code == 422
    assert preferences.choices(asker.id).quiet_product_ids == {quiet_question.product_id}
