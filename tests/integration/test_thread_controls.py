"""A member's thread page: one shared form for the votes, flag and comment forms on demand, and
each permission question answered once per page; everything works without JavaScript."""

import re

from forum.policy import PageDecisions, Permission, can, needs_reputation, offered, refusal
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_question, make_user


def _thread(client, question):
    r = client.get(f"/questions/{question.id}", follow_redirects=True)
    return r.request.path, r.get_data(as_text=True)


def test_votes_of_every_post_submit_one_shared_form_with_one_token(client):
    small = make_question()
    make_answer(small)
    q = make_question()
    answers = [make_answer(q) for _ in range(6)]
    login(client, make_user(reputation_points=200))
    _, one_answer = _thread(client, small)
    _, page = _thread(client, q)
    assert page.count('name="csrf_token"') == one_answer.count('name="csrf_token"')  # not one per post
    assert page.count('<form id="thread-actions" method="post">') == 1
    for a in answers:
        assert f'form="thread-actions" formaction="/answers/{a.id}/vote"' in page
    # What a browser sends for a button with form= and formaction=: the shared form's token.
    token = re.search(r'<form id="thread-actions" method="post"><input[^>]*name="csrf_token"[^>]*value="([^"]+)"',
                      page).group(1)
    r = client.post(f"/answers/{answers[0].id}/vote", data={"csrf_token": token, "value": "1"})
    assert r.status_code == 302
    assert "Upvoted." in client.get(r.headers["Location"]).get_data(as_text=True)


def test_flag_and_comment_forms_appear_on_demand_and_reopen_with_a_refusal(client):
    q = make_question()
    a = make_answer(q)
    comment = make_comment(a)
    login(client, make_user(reputation_points=60))
    path, page = _thread(client, q)
    assert "<textarea" in page  # the answer form only
    assert page.count("<textarea") == 1 and "Why should a moderator look" not in page
    assert f'href="?open=flag-answer-{a.id}#flag-answer-{a.id}"' in page
    assert f'href="?open=flag-comment-{comment.id}#flag-comment-{comment.id}"' in page
    assert f'href="?open=comment-answer-{a.id}#answer-{a.id}-comments"' in page
    opened = client.get(f"{path}?open=comment-answer-{a.id}").get_data(as_text=True)
    assert f'action="/answers/{a.id}/comments"' in opened and opened.count("<textarea") == 2
    assert f'action="/questions/{q.id}/comments"' not in opened
    opened = client.get(f"{path}?open=flag-comment-{comment.id}").get_data(as_text=True)
    assert f'action="/comments/{comment.id}/flag"' in opened and "Why should a moderator look" in opened
    assert client.get(f"{path}?open=flag-answer-x<script>").status_code == 200  # anything else: no form
    r = client.post(f"/answers/{a.id}/comments", data={"body": "?"})  # too short: refused
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f'action="/answers/{a.id}/comments"' in page  # the form is back, open, beside its message
    r = client.post(f"/answers/{a.id}/comments", data={"body": "Which firmware version do you run?"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Comment added." in page and f'action="/answers/{a.id}/comments"' not in page


def test_a_members_thread_is_at_most_a_little_larger_than_a_visitors(client):
    q = make_question()
    steps = " ".join(f"Step {n}: open the app, go to Settings, then Devices, and pick the hub." for n in range(8))
    for _ in range(12):  # answers of a typical length (the seeded community's: a few short paragraphs)
        a = make_answer(q, body=steps)
        make_comment(a)
    _, visitor = _thread(client, q)
    login(client, make_user(reputation_points=300))
    _, member = _thread(client, q)
    assert len(member) <= 1.4 * len(visitor)


def test_page_decisions_are_the_permission_functions_answers():
    q = make_question()
    own = make_answer(q)
    other = make_answer(q)
    decisions = PageDecisions()
    for user in (None, make_user(), make_user(reputation_points=200), own.author, q.author):
        for perm in Permission:
            for obj in (q, own, other, None):
                try:
                    expected = refusal(user, perm, obj)
                except AttributeError:  # a permission that needs another kind of object
                    continue
                assert decisions.refusal(user, perm, obj) == expected
                assert decisions.can(user, perm, obj) == can(user, perm, obj)
                assert decisions.needs_reputation(user, perm, obj) == needs_reputation(user, perm, obj)
                assert decisions.offered(user, perm, obj) == offered(user, perm, obj)


def _byline_of(page: str, post_anchor: str) -> str:
    start = page.index(f'id="{post_anchor}"')
    at = page.index('<div class="byline">', start)
    return page[at:page.index("</div>", at)]


def test_a_kept_byline_shows_its_authors_name_and_reputation_of_now_in_the_readers_language(client):
    """Bylines are kept rendered (forum/fragments.py) under the facts they show: a rename or a
    reputation change shows on the next page, and each language gets its own words."""
    from sqlalchemy import update

    from forum.extensions import db
    from forum.models import User

    author = make_user("bylined_author")
    q = make_question()
    a = make_answer(q, author)
    login(client, make_user())  # a member's page is rendered afresh: the page cache stays out of this
    path, page = _thread(client, q)
    before = _byline_of(page, f"answer-{a.id}")
    assert "bylined_author" in before and '<span class="visually-hidden">reputation </span>1</span>' in before
    assert _byline_of(client.get(path).get_data(as_text=True), f"answer-{a.id}") == before
    db.session.execute(update(User).where(User.id == author.id).values(username="renamed_author", reputation=4321))
    db.session.commit()
    after = _byline_of(client.get(path).get_data(as_text=True), f"answer-{a.id}")
    assert "renamed_author" in after and "bylined_author" not in after
    assert f'href="/users/{author.id}/renamed-author"' in after and "4321</span>" in after
    client.post("/language", data={"lang": "fr"})
    french = _byline_of(client.get(path).get_data(as_text=True), f"answer-{a.id}")
    assert 'title="Réputation"' in french and 'title="Reputation"' in after
