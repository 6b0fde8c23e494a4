"""A question page costs the same number of queries whatever the number of answers (no N+1)."""

from forum.services import acceptance, comments, votes
from forum.urls import slugify
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user


def _thread(n_answers: int):
    q = make_question()
    voter = make_user(reputation_points=200)
    answers = [make_answer(q) for _ in range(n_answers)]
    for a in answers:
        votes.vote(voter, PostKind.ANSWER, a.id, 1)
        comments.post_comment(q.author, PostKind.ANSWER, a.id, body=f"Thanks for answer {a.id}")
    acceptance.accept_answer(answers[-1].id, q.author)
    return q, voter


def _count(client, count_queries, url: str) -> int:
    client.get(url)  # warm-up: first request compiles templates
    count_queries.count = 0
    response = client.get(url)
    assert response.status_code == 200
    return count_queries.count


def test_question_page_queries_do_not_grow_with_answers(app, client, count_queries):
    small, voter = _thread(5)
    large, _ = _thread(50)
    small_url = f"/questions/{small.id}/{slugify(small.title)}"
    large_url = f"/questions/{large.id}/{slugify(large.title)}"
    anonymous = (_count(client, count_queries, small_url), _count(client, count_queries, large_url))
    assert anonymous[0] == anonymous[1]
    login(client, voter)
    signed_in = (_count(client, count_queries, small_url), _count(client, count_queries, large_url))
    assert signed_in[0] == signed_in[1]
    assert signed_in[1] <= 17  # the accepted answer's "did this help?" counts are one query


def test_question_list_queries_do_not_grow_with_page_size(client, count_queries):
    for _ in range(3):
        make_question()
    few = _count(client, count_queries, "/?sort=newest")
    for _ in range(20):
        make_question()
    assert _count(client, count_queries, "/?sort=newest") == few

