"""One visibility rule (forum/policy/visibility.py): lists, counts, threads, revisions, feeds,
history and the API agree on what a visitor, a member, the author and a moderator see."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Article, ArticleState, Question, utcnow
from forum.policy import visibility
from forum.services import acceptance, preferences, privacy, queries, questions, reputation, satisfaction, votes
from forum.services.errors import NotFound
from moderation import flags, review
from moderation.review import Decision
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_moderator, make_question, make_user


def _hide(post) -> None:
    post.hidden_at = utcnow()
    db.session.commit()


def test_product_and_tag_counts_leave_out_hidden_questions_like_their_lists():
    shown = make_question(tags=["wifi"])
    _hide(make_question(tags=["wifi"]))
    listed = queries.list_questions(product="thermostat")
    assert [q.id for q in listed.items] == [shown.id] and listed.total == 1
    assert {p.slug: n for p, n in queries.products()}["thermostat"] == 1
    assert {t.name: n for t, n in queries.tags().items}["wifi"] == 1
    assert queries.list_questions(tag="wifi").total == 1


def test_a_members_counts_agree_with_their_lists():
    author = make_user()
    make_question(author)
    _hide(make_question(author))
    other_thread = make_question()
    make_answer(other_thread, author)
    gone_thread = make_question()
    make_answer(gone_thread, author)
    questions.delete_question(gone_thread.id, make_moderator())
    counts = queries.user_counts(author.id)
    assert counts["questions"] == queries.list_questions(author_id=author.id).total == 1
    assert counts["answers"] == queries.user_answers(author.id).total == 1


def test_revisions_of_a_hidden_post_are_for_its_author_and_moderators_only(client):
    author = make_user()
    q = make_question(author)
    a = make_answer(q)
    _hide(q)
    assert client.get(f"/questions/{q.id}/revisions").status_code == 404
    login(client, make_user())
    assert client.get(f"/questions/{q.id}/revisions").status_code == 404
    client.post("/logout")
    login(client, author)
    assert client.get(f"/questions/{q.id}/revisions").status_code == 200
    client.post("/logout")
    login(client, make_moderator())
    assert client.get(f"/questions/{q.id}/revisions").status_code == 200
    client.post("/logout")
    q.hidden_at = None
    _hide(a)
    assert client.get(f"/answers/{a.id}/revisions").status_code == 404
    assert client.get(f"/questions/{q.id}/revisions").status_code == 200


def test_reputation_history_does_not_name_a_thread_the_reader_may_not_see(client):
    author = make_user()
    q = make_question(author, title="A secret question title nobody should read")
    votes.vote(make_user(reputation_points=20), PostKind.QUESTION, q.id, 1)
    before = reputation.history(author.id).items
    assert any(item.title == q.title for item in before)
    _hide(q)
    page = client.get(f"/users/{author.id}?tab=reputation").get_data(as_text=True)
    assert "A secret question title" not in page
    assert len(reputation.history(author.id).items) == len(before)
    assert any(item.title == q.title for item in reputation.history(author.id, viewer=author).items)
    api = client.get(f"/api/v1/users/{author.id}/reputation").get_json()
    assert all(item["title"] is None or "secret" not in item["title"] for item in api["items"])


def test_feeds_and_search_sources_use_the_public_rule():
    from forum.search.sources import threads

    q = make_question()
    _hide(make_question())
    assert threads.count() == 1
    assert threads.visible("question", {q.id, q.id + 1}) == {q.id}


def test_the_query_clause_and_the_object_predicate_agree_for_every_viewer():
    author, member, mod = make_user(), make_user(), make_moderator()
    agent = make_user(role="agent")
    open_q = make_question(author)
    hidden_q = make_question(author)
    _hide(hidden_q)
    deleted_q = make_question(author)
    questions.delete_question(deleted_q.id, author)
    answer_on_deleted = make_answer(open_q)
    comment = make_comment(open_q)
    _hide(comment)
    for viewer in (None, member, author, agent, mod):
        listed = set(db.session.scalars(select(Question.id).where(visibility.question_clause(viewer))))
        for q in (open_q, hidden_q, deleted_q):
            assert (q.id in listed) == visibility.can_see(viewer, q), (viewer, q)
    assert visibility.can_see(None, answer_on_deleted)
    assert not visibility.can_see(member, comment) and visibility.can_see(comment.author, comment)
    assert visibility.can_see(mod, deleted_q) and not visibility.can_see(author, deleted_q)


def test_draft_articles_are_for_the_support_team():
    draft = Article(title="Draft article title here", state=ArticleState.DRAFT.value)
    assert not visibility.can_see(None, draft) and not visibility.can_see(make_user(), draft)
    assert visibility.can_see(make_user(role="agent"), draft) and visibility.can_see(make_moderator(), draft)


def test_did_this_help_is_not_asked_about_an_answer_in_a_hidden_thread():
    """It used to check the answer and only the deletion of its question, so a thread hidden by
    flags still took votes on its accepted answer that no visitor could see."""
    question = make_question()
    answer = make_answer(question)
    acceptance.accept_answer(answer.id, question.author)
    db.session.commit()
    satisfaction.vote_helpful(make_user(), "answer", answer.id, "yes")
    _hide(question)
    with pytest.raises(NotFound):
        satisfaction.vote_helpful(make_user(), "answer", answer.id, "yes")


def test_the_followed_questions_list_shows_what_the_member_may_open(client):
    """The preferences page listed a followed question hidden since, whose link then answered 404."""
    member = make_user()
    hidden = make_question(title="A thread hidden by flags since it was followed")
    shown = make_question(title="A thread that stays in the list")
    for question in (hidden, shown):
        preferences.follow(member, "question", question.id)
    db.session.commit()
    _hide(hidden)
    assert [q.id for q in preferences.following(member.id, viewer=member).questions] == [shown.id]
    login(client, member)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert shown.title in page and hidden.title not in page
    assert hidden.id in privacy.export(member)["notifications"]["following"]["questions"]  # the member's data keeps the follow


def _listed_answer_count(question) -> int:
    db.session.expire_all()
    return next(q.answer_count for q in queries.list_questions(product="thermostat").items if q.id == question.id)


def test_a_lists_answer_count_agrees_with_the_answers_its_thread_shows():
    """The count on question lists (and "unanswered" in digests) used to include answers hidden by flags."""
    question = make_question()
    make_answer(question)
    hidden = make_answer(question)
    first = flags.flag("answer", hidden.id, actor=make_moderator(), reason="spam").review_item_id  # hidden at once
    db.session.commit()
    assert _listed_answer_count(question) == len(queries.load_thread(question.id, None).answers) == 1
    second = flags.flag("answer", make_answer(question).id, actor=make_moderator(), reason="spam").review_item_id
    db.session.commit()
    review.handle(second, Decision("deleted"), moderator=make_moderator())  # hidden, then deleted: one less, once
    db.session.commit()
    assert _listed_answer_count(question) == len(queries.load_thread(question.id, None).answers) == 1
    review.handle(first, Decision("dismissed"), moderator=make_moderator())  # shown again
    db.session.commit()
    assert _listed_answer_count(question) == len(queries.load_thread(question.id, None).answers) == 2
