"""Spam defence: new members' daily limits and links, watched words, thresholds in settings."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ReviewItem, ReviewKind, Role
from forum.services import answers, comments, questions
from forum.services.errors import Conflict, NotAllowed, ValidationFailed
from moderation import settings, spam
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_moderator, make_product, make_question, make_tags, make_user

BODY = "The schedule keeps coming back after I delete it. I tried a reboot already."


def ask(author, n: int, body: str = BODY):
    make_product()
    make_tags("schedule")
    return questions.ask(author, title=f"Thermostat schedule question number {n}", body=body, tags="schedule",
                         product="thermostat")


def test_link_counting():
    assert spam.count_links("See [docs](https://example.com/a) and www.example.org, or http://x.io/y.") == 3
    assert spam.count_links("no links, just text about example.com") == 0


def test_new_members_ask_three_questions_a_day():
    newcomer = make_user()
    for n in range(3):
        ask(newcomer, n)
    with pytest.raises(ValidationFailed) as exc:
        ask(newcomer, 4)
    assert "3 questions per day" in exc.value.fields["daily_limit"]
    ask(make_user(reputation_points=10), 5)  # reputation 11: not new any more


def test_new_members_post_ten_answers_a_day():
    newcomer = make_user()
    threads = [make_question(make_user(reputation_points=50)) for _ in range(11)]
    for q in threads[:10]:
        answers.post_answer(q.id, newcomer, body="Hold the menu button for ten seconds to reset.")
    with pytest.raises(ValidationFailed, match="limit"):
        answers.post_answer(threads[10].id, newcomer, body="Hold the menu button for ten seconds to reset.")


def test_new_members_put_at_most_two_links_in_a_post_and_edits_count_too():
    newcomer = make_user()
    three = BODY + " https://a.example https://b.example https://c.example"
    with pytest.raises(ValidationFailed) as exc:
        ask(newcomer, 1, body=three)
    assert "at most 2 links" in exc.value.fields["body"]
    q = ask(newcomer, 2, body=BODY + " https://a.example https://b.example")
    with pytest.raises(ValidationFailed, match="links"):
        questions.edit_question(q.id, newcomer, body=three)
    questions.ask(make_user(reputation_points=20), title="A question with many useful links", body=three,
                  tags="schedule", product="thermostat")


def test_moderators_are_exempt_from_new_member_limits():
    mod = make_moderator()
    for n in range(5):
        ask(mod, n, body=BODY + " https://a.example https://b.example https://c.example")


def test_thresholds_are_settings_an_admin_changes():
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(NotAllowed):
        settings.update({"new_member_questions_per_day": "1"}, actor=make_moderator())
    values = {**settings.thresholds(), "new_member_questions_per_day": "1", "flags_to_hide": "0"}
    with pytest.raises(ValidationFailed) as exc:
        settings.update(values, actor=admin)
    assert set(exc.value.fields) == {"flags_to_hide"}
    settings.update({**values, "flags_to_hide": "2"}, actor=admin)
    newcomer = make_user()
    ask(newcomer, 1)
    with pytest.raises(ValidationFailed) as exc:
        ask(newcomer, 2)
    assert "can post 1 question per day" in exc.value.fields["daily_limit"]


def test_blocked_words_refuse_and_review_words_queue():
    mod = make_moderator()
    spam.add_watched_word("Cheap Pills", "block", actor=mod)
    spam.add_watched_word("refund", "review", actor=mod)
    with pytest.raises(Conflict):
        spam.add_watched_word("cheap   pills", "review", actor=mod)
    with pytest.raises(ValidationFailed):
        spam.add_watched_word("<script>", "block", actor=mod)
    with pytest.raises(ValidationFailed):
        spam.add_watched_word("fine", "shout", actor=mod)
    member = make_user(reputation_points=100)
    with pytest.raises(ValidationFailed) as exc:
        ask(member, 1, body=BODY + " Buy CHEAP pills here.")
    assert "cheap pills" in exc.value.fields["body"]
    ask(member, 2, body=BODY + " Cheap pillsbury dough is not blocked (whole words only).")
    q = ask(member, 3, body=BODY + " I want a refund for this.")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.WATCHED_WORD))
    assert item.question_id == q.id and "refund" in item.detail
    with pytest.raises(ValidationFailed):
        comments.post_comment(member, PostKind.QUESTION, q.id, body="cheap pills for all")
    a = make_answer(q, make_user(reputation_points=100))
    answers.edit_answer(a.id, a.author, body="Ask support for a refund if it keeps failing.")
    assert db.session.scalar(select(ReviewItem).where(ReviewItem.answer_id == a.id,
                                                      ReviewItem.kind == ReviewKind.WATCHED_WORD)) is not None


def test_watched_words_page(client):
    mod = make_moderator()
    login(client, mod)
    r = client.post("/mod/settings/words", data={"phrase": "crypto giveaway", "action": "block"}, follow_redirects=True)
    assert "Watched word added." in r.get_data(as_text=True) and "crypto giveaway" in r.get_data(as_text=True)
    word = spam.watched_words()[0]
    r = client.post(f"/mod/settings/words/{word.id}/delete", follow_redirects=True)
    assert "Watched word removed." in r.get_data(as_text=True)
    r = client.post("/mod/settings/thresholds", data={"flags_to_hide": "2"})
    assert r.status_code == 403
    client.post("/logout")
    login(client, make_user(role=Role.ADMIN))
    r = client.post("/mod/settings/thresholds", data={**settings.thresholds(), "flags_to_hide": "x"})
    assert r.status_code == 422 and "Use a whole number" in r.get_data(as_text=True)
    r = client.post("/mod/settings/thresholds", data={**settings.thresholds(), "flags_to_hide": "5"},
                    follow_redirects=True)
    assert "Thresholds saved." in r.get_data(as_text=True)
    assert settings.thresholds()["flags_to_hide"] == 5
