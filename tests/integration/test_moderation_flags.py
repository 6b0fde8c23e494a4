"""Flags: who may flag, once per member and post, and hiding at the threshold."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditLogEntry, Flag, ReviewItem, ReviewKind
from forum.services import queries, tokens
from forum.services.errors import Conflict, NotAllowed, ValidationFailed
from moderation import flags
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_moderator, make_question, make_user


def flaggers(n: int) -> list:
    return [make_user(reputation_points=20) for _ in range(n)]


def test_flagging_needs_the_flag_privilege_and_not_your_own_post():
    q = make_question()
    with pytest.raises(NotAllowed, match="15 reputation"):
        flags.flag("question", q.id, actor=make_user(), reason="spam")
    with pytest.raises(NotAllowed, match="your own post"):
        flags.flag("question", q.id, actor=q.author, reason="spam")


def test_one_flag_per_member_and_post():
    q = make_question()
    member = make_user(reputation_points=20)
    flags.flag("question", q.id, actor=member, reason="spam")
    with pytest.raises(Conflict, match="already flagged"):
        flags.flag("question", q.id, actor=member, reason="rude")
    assert db.session.scalar(select(db.func.count(Flag.id))) == 1


def test_bad_flag_input_is_refused_with_a_message():
    q = make_question()
    member = make_user(reputation_points=20)
    with pytest.raises(ValidationFailed) as bad_reason:
        flags.flag("question", q.id, actor=member, reason="boring")
    assert "reason" in bad_reason.value.fields
    with pytest.raises(ValidationFailed) as no_text:
        flags.flag("question", q.id, actor=member, reason="attention", text="hm")
    assert "text" in no_text.value.fields
    flags.flag("question", q.id, actor=member, reason="attention", text="The order number in the body is private.")


def test_flags_on_a_post_share_one_open_review_item():
    a = make_answer(make_question())
    for member in flaggers(2):
        flags.flag("answer", a.id, actor=member, reason="rude")
    items = list(db.session.scalars(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED)))
    assert len(items) == 1
    assert items[0].kind == ReviewKind.FLAGGED
    assert len(items[0].flags) == 2


def test_three_spam_flags_hide_the_post_from_the_public_but_not_its_author(client):
    q = make_question(title="Buy cheap thermostat covers at my shop now")
    for member in flaggers(2):
        flags.flag("question", q.id, actor=member, reason="spam")
    assert db.session.get(type(q), q.id).hidden_at is None
    flags.flag("question", q.id, actor=flaggers(1)[0], reason="attention", text="Advertising, please check it.")
    assert db.session.get(type(q), q.id).hidden_at is None  # "needs attention" doesn't count towards hiding
    flags.flag("question", q.id, actor=flaggers(1)[0], reason="rude")
    db.session.expire_all()
    assert db.session.get(type(q), q.id).hidden_at is not None
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.question_id == q.id,
                                                     ReviewItem.kind != ReviewKind.FIRST_POST))
    assert item.kind == ReviewKind.HIDDEN
    assert client.get(f"/questions/{q.id}").status_code == 404
    assert q.id not in [x.id for x in queries.list_questions("newest").items]
    assert client.get(f"/api/v1/questions/{q.id}").status_code == 404
    login(client, q.author)
    page = client.get(f"/questions/{q.id}", follow_redirects=True)
    assert page.status_code == 200
    assert "Hidden pending review" in page.get_data(as_text=True)
    hide = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "post.hide"))
    assert hide.actor_id is None and hide.subject_id == q.author_id  # the system acted; the author is told


def test_one_moderator_flag_hides_at_once(client):
    q = make_question()
    a = make_answer(q)
    flags.flag("answer", a.id, actor=make_moderator(), reason="spam")
    db.session.expire_all()
    assert db.session.get(type(a), a.id).hidden_at is not None
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert a.body_md not in page
    login(client, a.author)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Hidden pending review" in page


def test_hidden_comments_disappear_for_others_but_not_their_author():
    q = make_question()
    comment = make_comment(q, body="Visit my shop for cheap parts!")
    flags.flag("comment", comment.id, actor=make_moderator(), reason="rude")
    assert queries.load_thread(q.id, make_user()).comments_on("question", q.id) == []
    assert [c.id for c in queries.load_thread(q.id, q.author).comments_on("question", q.id)] == [comment.id]


def test_flag_buttons_post_through_the_web_form(client):
    q = make_question()
    a = make_answer(q)
    member = make_user(reputation_points=20)
    login(client, member)
    thread = client.get(f"/questions/{q.id}", follow_redirects=True)
    page = thread.get_data(as_text=True)
    # One link per post; following it shows that post's form, open (no form per post on the page).
    assert f'href="?open=flag-answer-{a.id}#flag-answer-{a.id}"' in page and ' action="/answers/' not in page
    path = thread.request.path
    opened = client.get(f"{path}?open=flag-answer-{a.id}").get_data(as_text=True)
    assert f'action="/answers/{a.id}/flag"' in opened and f'action="/questions/{q.id}/flag"' not in opened
    opened = client.get(f"{path}?open=flag-question-{q.id}").get_data(as_text=True)
    assert f'action="/questions/{q.id}/flag"' in opened
    r = client.post(f"/answers/{a.id}/flag", data={"reason": "spam"}, follow_redirects=True)
    assert "Moderators will review your flag" in r.get_data(as_text=True)
    r = client.post(f"/answers/{a.id}/flag", data={"reason": "spam"}, follow_redirects=True)
    assert "already flagged" in r.get_data(as_text=True)
    r = client.post(f"/questions/{q.id}/flag", data={"reason": "nonsense"}, follow_redirects=True)
    assert "Choose spam, rude or attention" in r.get_data(as_text=True)


def test_flag_api_for_questions_and_answers(client):
    q = make_question()
    a = make_answer(q)
    headers = {"Authorization": f"Bearer {tokens.create_token(make_user(reputation_points=20), 'api')}"}
    r = client.post(f"/api/v1/questions/{q.id}/flags", headers=headers, json={"kind": "spam"})
    assert r.status_code == 201
    assert r.get_json()["target"] == {"type": "question", "id": q.id}
    r = client.post(f"/api/v1/answers/{a.id}/flags", headers=headers,
                    json={"kind": "attention", "text": "Contains a customer's phone number."})
    assert r.status_code == 201 and r.get_json()["status"] == "pending"
    assert client.post(f"/api/v1/answers/{a.id}/flags", headers=headers, json={"kind": "spam"}).status_code == 409
    assert client.post(f"/api/v1/answers/{a.id}/flags", headers=headers, json={"kind": 3}).status_code == 422
    low = {"Authorization": f"Bearer {tokens.create_token(make_user(), 'api')}"}
    r = client.post(f"/api/v1/answers/{a.id}/flags", headers=low, json={"kind": "spam"})
    assert r.status_code == 403 and "15 reputation" in r.get_json()["error"]["message"]
    assert client.post("/api/v1/answers/999999/flags", headers=headers, json={"kind": "spam"}).status_code == 404
