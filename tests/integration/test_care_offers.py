"""Questions for you: waiting questions offered to the opted-in members with the most reputation
earned in the question's product and tags (never the asker, never suspended members, 3 a day)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Notification, QuestionOffer, ReputationEntry
from forum.services.care import offers
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user

NOW = datetime(2026, 11, 30, 12, 0)


def earned(user, post_answer, points, when=NOW - timedelta(days=3)):
    db.session.add(ReputationEntry(user_id=user.id, event="answer_upvoted", amount=points, delta=points,
                                   answer_id=post_answer.id, created_at=when))
    db.session.commit()


def helper(name, points, post, *, opt_in=True):
    user = make_user(name)
    if opt_in:
        with unit_of_work():
            offers.set_opt_in(user, True)
    earned(user, post, points)
    return user


def waiting_question(**kw):
    q = make_question(**kw)
    q.created_at = NOW - timedelta(hours=2)
    db.session.commit()
    return q


def test_offered_to_the_five_best_placed_opted_in_members_never_the_asker_or_suspended():
    old = make_question(tags=["schedule"])
    old_answer = make_answer(old)
    members = [helper(f"helper{i}", 10 * (i + 1), old_answer) for i in range(7)]
    outsider = helper("not_opted", 1000, old_answer, opt_in=False)
    suspended = helper("suspended_helper", 900, old_answer)
    suspended.suspended_until = NOW + timedelta(days=3)
    stale = helper("stale_helper", 800, old_answer)
    db.session.execute(ReputationEntry.__table__.update().where(ReputationEntry.user_id == stale.id)
                       .values(created_at=NOW - timedelta(days=200)))
    db.session.commit()
    asker = members[6]
    q = waiting_question(author=asker, tags=["schedule"])
    with unit_of_work():
        made = offers.offer_waiting(NOW)
    offered = set(db.session.scalars(select(QuestionOffer.user_id).where(QuestionOffer.question_id == q.id)))
    assert made == 5 and offered == {m.id for m in members[1:6]}
    assert not offered & {outsider.id, suspended.id, stale.id, asker.id}
    told = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "question_for_you"))
    assert told == 5
    with unit_of_work():
        assert offers.offer_waiting(NOW) == 0  # each question is offered once


def test_each_member_gets_at_most_three_a_day_and_answered_questions_are_not_offered():
    old = make_question()
    old_answer = make_answer(old)
    only = helper("only_helper", 50, old_answer)
    questions = [waiting_question() for _ in range(5)]
    make_answer(questions[0])
    db.session.commit()
    with unit_of_work():
        assert offers.offer_waiting(NOW) == 3
    got = list(db.session.scalars(select(QuestionOffer.question_id).where(QuestionOffer.user_id == only.id)))
    assert questions[0].id not in got and len(got) == 3
    with unit_of_work():
        assert offers.offer_waiting(NOW + timedelta(days=1)) == 1


def test_for_you_page_and_opt_in(client):
    member = make_user("curious_member")
    login(client, member)
    page = client.get("/questions/for-you")
    assert page.status_code == 200 and "not receiving" in page.get_data(as_text=True)
    client.post("/questions/for-you/opt-in", data={"wanted": "on"})
    assert offers.is_opted_in(member.id)
    old_answer = make_answer(make_question())
    earned(member, old_answer, 30)
    q = waiting_question(title="Heating stays on after the schedule ends")
    q.created_at = datetime.utcnow() - timedelta(hours=1)
    db.session.commit()
    with unit_of_work():
        offers.offer_waiting()
    listing = client.get("/questions/for-you").get_data(as_text=True)
    assert "Heating stays on after the schedule ends" in listing and "Waiting · 1 h" in listing
    client.post("/questions/for-you/opt-in", data={"wanted": "off"})
    assert not offers.is_opted_in(member.id)
    assert client.get("/questions/for-you", follow_redirects=False).status_code == 200


def test_offers_are_a_digest_section():
    from forum.services import digests, preferences

    old_answer = make_answer(make_question())
    member = helper("digest_helper", 40, old_answer)
    preferences.follow(member, "product", "thermostat")
    db.session.commit()
    q = waiting_question(title="Boiler relay clicks but nothing heats")
    since, _until = digests.window("daily:2026-11-30", "UTC")
    q.created_at = since + timedelta(hours=1)
    db.session.commit()
    with unit_of_work():
        offers.offer_waiting(since + timedelta(hours=10))
    digest = digests.build(member.id, "daily:2026-11-30", "UTC")
    section = next(s for s in digest.sections if s.key == "for_you")
    assert [item.title for item in section.items] == [q.title] and section.new


def test_members_opt_in_and_out_on_their_settings_page(client):
    member = make_user()
    login(client, member)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'name="questions_for_you"' in page and 'id="questions-for-you" name="questions_for_you" aria-describedby="questions-for-you-hint">' in page
    form = {"digest": "off", "time_zone": "UTC", "questions_for_you": "on"}
    assert client.post("/settings/notifications", data=form).status_code == 302
    assert offers.is_opted_in(member.id)
    assert 'aria-describedby="questions-for-you-hint" checked>' in client.get("/settings/notifications").get_data(
        as_text=True)
    assert client.post("/settings/notifications", data={"digest": "off", "time_zone": "UTC"}).status_code == 302
    assert not offers.is_opted_in(member.id)
    bad = client.post("/settings/notifications", data={**form, "time_zone": "Mars/Olympus"})
    assert bad.status_code == 422 and not offers.is_opted_in(member.id)  # nothing saved with a form error
