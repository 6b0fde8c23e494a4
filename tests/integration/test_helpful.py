"""“Did this help?” on accepted answers and published articles: one changeable vote per member, counted."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import HelpfulVote
from forum.services import acceptance, privacy, satisfaction
from forum.services.errors import NotFound, ValidationFailed
from moderation import knowledge
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_moderator, make_question, make_user


@pytest.fixture
def accepted():
    question = make_question(title="Heating won't start after the summer")
    answer = make_answer(question, body="Switch the boiler relay back to winter mode in Settings → System.")
    acceptance.accept_answer(answer.id, question.author)
    return question, answer


def test_one_changeable_vote_per_member_counted_per_answer(client, accepted):
    question, answer = accepted
    alice, bob = make_user(), make_user()
    login(client, alice)
    assert client.post(f"/answers/{answer.id}/helpful", data={"helpful": "yes"}).status_code == 302
    assert client.post(f"/answers/{answer.id}/helpful", data={"helpful": "yes"}).status_code == 302
    assert satisfaction.helpful_count("answer", answer.id, alice) == satisfaction.HelpfulCount(1, 0, True)
    client.post(f"/answers/{answer.id}/helpful", data={"helpful": "no"})
    satisfaction.vote_helpful(bob, "answer", answer.id, "yes")
    db.session.commit()
    assert satisfaction.helpful_count("answer", answer.id, alice) == satisfaction.HelpfulCount(1, 1, False)
    assert db.session.scalar(select(func.count(HelpfulVote.id))) == 2
    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert "Did this help?" in page and "1 yes · 1 no" in page and "You said no" in page


def test_only_accepted_answers_and_published_articles_are_asked_about(client):
    question = make_question()
    answer = make_answer(question)
    member = make_user()
    with pytest.raises(NotFound):
        satisfaction.vote_helpful(member, "answer", answer.id, "yes")
    login(client, member)
    assert client.post(f"/answers/{answer.id}/helpful", data={"helpful": "yes"}).status_code == 404
    assert client.post("/answers/999999/helpful", data={"helpful": "yes"}).status_code == 404
    assert "Did this help?" not in client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)


def test_bad_answers_and_visitors_are_refused(client, accepted):
    _question, answer = accepted
    assert client.post(f"/answers/{answer.id}/helpful", data={"helpful": "yes"}).status_code == 302  # to sign in
    member = make_user()
    with pytest.raises(ValidationFailed):
        satisfaction.vote_helpful(member, "answer", answer.id, "maybe")
    login(client, member)
    response = client.post(f"/answers/{answer.id}/helpful", data={"helpful": "maybe"}, follow_redirects=True)
    assert "Send yes or no." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HelpfulVote.id))) == 0


def test_articles_take_votes_once_published(client, accepted):
    question, answer = accepted
    article = knowledge.publish_answer(question.id, answer_id=answer.id, actor=make_moderator(),
                                       summary="How to start the heating again after summer mode.")
    member = make_user()
    login(client, member)
    assert client.post(f"/kb/{article.id}/helpful", data={"helpful": "yes"}).status_code == 302
    assert satisfaction.helpful_count("article", article.id) == satisfaction.HelpfulCount(1, 0, None)
    page = client.get(f"/kb/{article.id}", follow_redirects=True).get_data(as_text=True)
    assert "1 yes · 0 no" in page
    article.state = "archived"
    db.session.commit()
    assert client.post(f"/kb/{article.id}/helpful", data={"helpful": "no"}).status_code == 404


def test_votes_are_exported_and_anonymised_on_deletion(accepted):
    _question, answer = accepted
    member = make_user()
    satisfaction.vote_helpful(member, "answer", answer.id, "yes")
    db.session.commit()
    assert privacy.export(member)["satisfaction"]["did_this_help"][0]["answer_id"] == answer.id
    privacy.delete_account(member, password=PASSWORD, confirmation="DELETE")
    db.session.expire_all()
    assert satisfaction.helpful_count("answer", answer.id) == satisfaction.HelpfulCount(1, 0, None)
    assert db.session.scalar(select(HelpfulVote.user_id)) is None
