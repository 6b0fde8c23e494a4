"""Knowledge articles: publishing credits the author, versions keep history, drafts stay private."""


import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Article, ArticleVersion, BadgeAward, User
from forum.services import acceptance, tokens, verification
from forum.services.errors import Conflict, NotAllowed, ValidationFailed
from moderation import knowledge
from tests.concurrent import at_once
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user


@pytest.fixture
def moderator():
    return make_user(role="moderator")


def test_publishing_credits_the_author_and_links_both_ways(client, moderator):
    q = make_question(title="Thermostat shows E42 after the firmware update")
    a = make_answer(q, body="Reset the base: hold the dial for ten seconds until it shows RST.")
    acceptance.accept_answer(a.id, q.author)
    article = knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator,
                                       summary="How to clear the E42 error after updating the firmware.")
    db.session.refresh(a.author)
    assert a.author.reputation == 1 + 15 + 25
    assert db.session.scalar(select(BadgeAward.id).where(BadgeAward.user_id == a.author_id,
                                                         BadgeAward.badge == "knowledge_author"))
    thread = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "This answer is now a knowledge article" in thread
    page = client.get(f"/kb/{article.id}", follow_redirects=True).get_data(as_text=True)
    assert "From the community thread" in page
    assert "Reset the base" in page
    assert verification.verify().ok
    with pytest.raises(Conflict):
        knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator)


def test_only_moderators_publish_and_agents_edit(moderator):
    q = make_question()
    a = make_answer(q)
    with pytest.raises(NotAllowed):
        knowledge.publish_answer(q.id, answer_id=a.id, actor=make_user(role="agent"))
    article = knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator,
                                       summary="A summary of twenty or more characters.")
    agent = make_user(role="agent")
    knowledge.edit_article(article.id, actor=agent, title=article.title, summary=article.summary,
                           body=article.body_md + "\n\nAlso works on model T2.", note="added T2")
    with pytest.raises(ValidationFailed):
        knowledge.edit_article(article.id, actor=agent, title="short", summary="x", body="y", note="")
    with pytest.raises(NotAllowed):
        knowledge.edit_article(article.id, actor=make_user(reputation_points=5000), title=article.title,
                               summary=article.summary, body=article.body_md, note="x")
    numbers = [v.number for v in db.session.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article.id))]
    assert numbers == [1, 2]


def test_drafts_and_archived_articles_are_hidden_from_the_public(client, moderator):
    q = make_question()
    article = knowledge.publish_answer(q.id, answer_id=make_answer(q).id, actor=moderator,
                                       summary="A summary of twenty or more characters.")
    knowledge.set_state(article.id, "archived", actor=moderator)
    assert client.get(f"/kb/{article.id}", follow_redirects=True).status_code == 404
    assert client.get(f"/api/v1/articles/{article.id}").status_code == 404
    assert client.get("/api/v1/articles").get_json()["total"] == 0
    login(client, moderator)
    assert client.get(f"/kb/{article.id}", follow_redirects=True).status_code == 200
    history = client.get(f"/kb/{article.id}/history").get_data(as_text=True)
    assert "Version 2" in history
    with pytest.raises(ValidationFailed):
        knowledge.set_state(article.id, "burned", actor=moderator)


def test_publish_via_web_form_and_api(client, moderator):
    q = make_question()
    a = make_answer(q)
    login(client, moderator)
    assert client.get(f"/questions/{q.id}/publish").status_code == 200
    r = client.post(f"/questions/{q.id}/publish?answer_id={a.id}", data={
        "title": "How to reset the thermostat schedule", "summary": "Clear a schedule that keeps coming back.",
        "body": "Hold the menu button for ten seconds, then clear the schedule.", "tags": "schedule", "note": ""})
    assert r.status_code == 302
    other = make_question()
    other_answer = make_answer(other)
    r = client.post(f"/api/v1/questions/{other.id}/publish",
                    headers={"Authorization": f"Bearer {tokens.create_token(moderator, 't')}"},
                    json={"answer_id": other_answer.id, "summary": "Another useful summary for the article."})
    assert r.status_code == 201
    assert r.get_json()["answer_id"] == other_answer.id
    articles = client.get("/api/v1/articles").get_json()
    assert articles["total"] == 2
    member = make_user(reputation_points=5000)
    r = client.post(f"/api/v1/questions/{other.id}/publish",
                    headers={"Authorization": f"Bearer {tokens.create_token(member, 't')}"}, json={"answer_id": 1})
    assert r.status_code == 403
    assert client.get("/kb").status_code == 200


def test_racing_publications_make_one_article_and_credit_once(moderator):
    """Four moderators publish the same answer at once: one article, one +25, the rest told why."""
    q = make_question()
    a = make_answer(q)
    moderator_id, question_id, answer_id, author_id = moderator.id, q.id, a.id, a.author_id

    def publish():
        return knowledge.publish_answer(question_id, answer_id=answer_id, actor=db.session.get(User, moderator_id)).id

    outcomes = ["conflict" if isinstance(r, Conflict) else "published" if isinstance(r, int) else r
                for r in at_once([publish] * 4)]
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "published"]
    assert db.session.scalar(select(func.count(Article.id))) == 1
    assert db.session.get(User, author_id).reputation == 1 + 25
    assert verification.verify().ok
