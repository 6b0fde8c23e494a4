"""In-app notifications: created from domain events, the bell, the page, marking read and the API."""

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, NotificationKind
from forum.services import acceptance, comments, notifications, privacy, tokens
from forum.transaction import unit_of_work
from forum.urls import slugify
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_question, make_user


def _kinds(user) -> list[str]:
    db.session.expire_all()
    return [n.kind for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def _bell(client) -> str | None:
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'class="nav-bell__count">(\d+\+?)', page)
    return match.group(1) if match else None


def test_answer_comment_and_accept_notify_the_right_people():
    asker, helper = make_user(), make_user(reputation_points=100)
    question = make_question(asker)
    answer = make_answer(question, helper)
    with unit_of_work():
        comments.post_comment(helper, PostKind.QUESTION, question.id, body="Which firmware version is it?")
        comments.post_comment(asker, PostKind.ANSWER, answer.id, body="Thanks, that worked for me!")
        acceptance.accept_answer(answer.id, asker)
    assert _kinds(asker) == ["answer", "comment"]
    assert _kinds(helper) == ["comment", "accepted"]


def test_own_activity_notifies_nobody():
    asker = make_user()
    question = make_question(asker)
    make_answer(question, asker)
    with unit_of_work():
        comments.post_comment(asker, PostKind.QUESTION, question.id, body="Adding: it is the v2 model.")
    assert _kinds(asker) == []


def test_mentions_notify_once_per_post_skip_code_and_are_capped(app):
    author = make_user(reputation_points=100)
    named = [make_user(f"fan{n:02d}") for n in range(12)]
    coder = make_user("coder_x")
    mentions = " ".join(f"@{u.username}" for u in named)
    question = make_question(author, body=f"Pinging {mentions} and `@coder_x` in code, also mail@fan00.example")
    for user in named[:app.config["MENTIONS_PER_POST"]]:
        assert _kinds(user) == ["mention"], user.username
    for user in named[app.config["MENTIONS_PER_POST"]:]:
        assert _kinds(user) == []
    assert _kinds(coder) == []
    # Editing the post again does not notify the same people twice.
    from forum.services import questions

    with unit_of_work():
        questions.edit_question(question.id, author, body=question.body_md + " Edited with more detail.")
    assert _kinds(named[0]) == ["mention"]


def test_mentioning_the_asker_in_an_answer_gives_one_notification():
    asker = make_user("asker_one")
    question = make_question(asker)
    make_answer(question, body="@asker_one hold the menu button for ten seconds, then clear it.")
    assert _kinds(asker) == ["answer"]


def test_deleted_accounts_get_no_notifications_and_lose_theirs(client):
    asker = make_user()
    question = make_question(asker)
    make_answer(question)
    assert _kinds(asker) == ["answer"]
    with unit_of_work():
        privacy.delete_account(asker, password=PASSWORD, confirmation="DELETE")
    assert _kinds(asker) == []
    make_answer(question)
    assert _kinds(asker) == []
    assert notifications.notify(asker.id, NotificationKind.CASE_UPDATE, question_id=question.id) is None


def test_other_features_notify_through_one_function():
    member = make_user()
    question = make_question(member)
    n = notifications.notify(member.id, "case_update", question_id=question.id, message="case.update",
                             params={"reference": "CASE-000001\n"})
    db.session.commit()
    assert n is not None
    assert notifications.describe(n) == "New update from support on CASE-000001."
    with force_locale("fr"):  # written in the reader's language when shown, not when notified
        assert notifications.describe(n) == "Nouvelle mise à jour du support sur CASE-000001."
    with pytest.raises(ValueError, match="unknown notification message"):
        notifications.notify(member.id, "case_update", message="no.such.message")
    # A row from before messages existed keeps the text it was stored with.
    old = Notification(user_id=member.id, kind="case_update", question_id=question.id, text="CASE-000001 is resolved.")
    db.session.add(old)
    db.session.commit()
    with force_locale("fr"):
        assert notifications.describe(old) == "CASE-000001 is resolved."
    with pytest.raises(ValueError, match="not a valid"):
        notifications.notify(member.id, "no-such-kind")


def test_bell_counts_unread_and_costs_one_query(client, count_queries):
    asker = make_user()
    question = make_question(asker)
    login(client, asker)
    assert _bell(client) is None
    make_answer(question)
    make_answer(question)
    assert _bell(client) == "2"
    client.get("/")
    count_queries.count = 0
    client.get("/tags")
    with_bell = count_queries.count
    notifications.mark_read(asker)
    client.get("/")
    count_queries.count = 0
    client.get("/tags")
    assert count_queries.count == with_bell  # the same single count query, whatever the number
    assert _bell(client) is None


def test_notifications_page_links_and_mark_read(client):
    asker = make_user()
    question = make_question(asker)
    first, second = make_answer(question), make_answer(question)
    login(client, asker)
    page = client.get("/notifications").get_data(as_text=True)
    assert f'/questions/{question.id}/{slugify(question.title)}#answer-{second.id}' in page
    assert "answered your question" in page
    ids = [n.id for n in db.session.scalars(select(Notification).where(Notification.answer_id == first.id))]
    assert client.post("/notifications/read", data={"id": ids}).status_code == 302
    assert _bell(client) == "1"
    unread = client.get("/notifications?show=unread").get_data(as_text=True)
    assert f"#answer-{second.id}" in unread and f"#answer-{first.id}" not in unread
    client.post("/notifications/read", data={})
    assert _bell(client) is None
    assert "all caught up" in client.get("/notifications?show=unread").get_data(as_text=True)


def test_nobody_marks_someone_elses_notifications(client):
    asker, other = make_user(), make_user()
    question = make_question(asker)
    make_answer(question)
    mine = db.session.scalar(select(Notification.id).where(Notification.user_id == asker.id))
    login(client, other)
    client.post("/notifications/read", data={"id": [mine]})
    db.session.expire_all()
    assert db.session.get(Notification, mine).read_at is None
    assert client.post("/notifications/read", data={"id": ["x"]}).status_code == 400


def test_notifications_page_needs_sign_in(client):
    assert client.get("/notifications").status_code == 302


def test_api_lists_and_marks_notifications(client):
    asker = make_user()
    question = make_question(asker)
    answers = [make_answer(question) for _ in range(3)]
    headers = {"Authorization": f"Bearer {tokens.create_token(asker, 'app')}"}
    data = client.get("/api/v1/notifications?per_page=2", headers=headers).get_json()
    assert data["total"] == 3 and data["unread"] == 3 and len(data["items"]) == 2
    newest = data["items"][0]
    assert newest["kind"] == "answer" and newest["answer_id"] == answers[-1].id and newest["read"] is False
    assert newest["url"].endswith(f"#answer-{answers[-1].id}")
    r = client.post("/api/v1/notifications/read", headers=headers, json={"ids": [newest["id"]]})
    assert r.get_json() == {"marked": 1, "unread": 2}
    assert client.get("/api/v1/notifications?unread=true", headers=headers).get_json()["total"] == 2
    assert client.post("/api/v1/notifications/read", headers=headers, json={"ids": "all"}).status_code == 422
    assert client.post("/api/v1/notifications/read", headers=headers, json={}).get_json() == {"marked": 2, "unread": 0}
    assert client.get("/api/v1/notifications?unread=maybe", headers=headers).status_code == 422
    assert client.get("/api/v1/notifications").status_code == 401


def test_export_includes_notifications_and_email_choices(client):
    asker = make_user()
    make_answer(make_question(asker))
    login(client, asker)
    data = client.get("/settings/privacy/export.json").get_json()
    assert data["notifications"]["notifications"][0]["kind"] == "answer"
    assert data["notifications"]["email"] == {"digest": "off", "time_zone": "UTC", "immediate": [],
                                              "quiet_products": []}
