"""A new member's first hour (issue 19): failed submits cost nothing, limits keep the draft,
visitors are invited to ask, and privileges show themselves with a way to earn them."""

import html
import re

import pytest

from tests.conftest import login
from tests.factories import make_answer, make_product, make_question, make_tags, make_user, sign_up

ASK = {"body": "The display flickers every evening around eight o'clock.", "tags": "display", "product": "thermostat"}


@pytest.mark.usefixtures("rate_limits")
class TestLimitsCountSuccessesOnly:
    def test_a_rejected_question_does_not_use_up_the_new_member_limit(self, client):
        make_product()
        make_tags("display")
        login(client, make_user())
        assert client.post("/questions/ask", data={**ASK, "title": "Short"}).status_code == 422
        assert client.post("/questions/ask", data={**ASK, "title": "Display flickers in the evening"}).status_code == 302

    def test_the_limit_reshows_the_form_with_the_draft_and_when_to_try_again(self, client):
        make_product()
        make_tags("display")
        login(client, make_user())
        assert client.post("/questions/ask", data={**ASK, "title": "Display flickers in the evening"}).status_code == 302
        r = client.post("/questions/ask", data={**ASK, "title": "Display flickers again tonight"})
        page = r.get_data(as_text=True)
        assert r.status_code == 429
        assert 0 < int(r.headers["Retry-After"]) <= 300
        assert re.search(r"you can post again in [1-5] minutes", page)
        assert 'value="Display flickers again tonight"' in page
        assert "every evening around eight" in page
        assert '<form' in page and 'action="/questions/ask"' in page

    def test_registration_typos_do_not_lock_the_address_out(self, client):
        for n in range(6):
            r = client.post("/register", data={"username": f"x{n}", "email": "not-an-address", "password": "short"})
            assert r.status_code == 422
        r = client.post("/register", data={"username": "dana_first", "email": "dana@example.com",
                                           "password": "a long enough passphrase"})
        assert r.status_code == 200 and "Check your inbox" in r.get_data(as_text=True)

    def test_the_sign_up_limit_keeps_the_form_and_says_when(self, client):
        for n in range(5):
            client.post("/register", data={"username": f"member_{n}", "email": f"m{n}@example.com",
                                           "password": "a long enough passphrase"})
            client.post("/logout")
        r = client.post("/register", data={"username": "sixth_member", "email": "six@example.com",
                                           "password": "a long enough passphrase"})
        page = r.get_data(as_text=True)
        assert r.status_code == 429
        assert "you can sign up again in" in page
        assert 'value="sixth_member"' in page and 'value="six@example.com"' in page

    def test_a_refused_vote_does_not_count(self, client, app):
        q = make_question()
        login(client, make_user())
        for _ in range(35):  # a member below 15 reputation: each click is refused, none counted
            assert client.post(f"/questions/{q.id}/vote", data={"value": "1"}).status_code == 302


def test_answer_limit_keeps_the_answer_text(client, rate_limits):
    q = make_question()
    login(client, make_user(reputation_points=200))
    for n in range(5):
        client.post(f"/questions/{q.id}/comments", data={"body": f"Comment number {n} on this"})
    r = client.post(f"/questions/{q.id}/answers", data={"body": "Hold the menu button for ten seconds to reset."})
    assert r.status_code == 429
    page = r.get_data(as_text=True)
    assert "Hold the menu button for ten seconds" in page and "you can post again in" in page


class TestVisitorsAreInvitedToAsk:
    def test_visitors_see_ask_a_question_leading_to_sign_in_and_back(self, client):
        page = client.get("/").get_data(as_text=True)
        assert re.search(r'href="/login\?next=/questions/ask"[^>]*>Ask a question', page)

    def test_sign_in_page_offers_sign_up_keeping_next(self, client):
        page = client.get("/login?next=/questions/ask").get_data(as_text=True)
        assert 'href="/register?next=/questions/ask"' in page

    def test_sign_up_returns_to_next(self, client):
        r = sign_up(client, "newcomer", "new@example.com", "a long enough passphrase", next_path="/questions/ask")
        assert r.headers["Location"].endswith("/questions/ask")

    def test_register_form_keeps_next_in_its_action(self, client):
        page = client.get("/register?next=/questions/ask").get_data(as_text=True)
        assert 'action="/register?next=/questions/ask"' in page

    def test_ask_form_takes_a_title_from_the_query(self, client):
        make_product()
        login(client, make_user())
        page = client.get("/questions/ask?title=Fan+keeps+running").get_data(as_text=True)
        assert 'value="Fan keeps running"' in page


class TestPrivilegesAreVisible:
    def test_new_member_sees_vote_flag_and_comment_controls(self, client):
        q = make_question()
        make_answer(q)
        login(client, make_user())
        page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
        assert 'aria-label="Upvote this question"' in page
        assert 'aria-label="Flag this question"' in page
        assert "Add a comment" in page

    def test_a_click_explains_the_privilege_and_links_to_earning_it(self, client):
        q = make_question()
        login(client, make_user())
        r = client.post(f"/questions/{q.id}/vote", data={"value": "1"})
        assert r.headers["Location"].endswith("#question-status")
        page = client.get(r.headers["Location"]).get_data(as_text=True)
        assert "Voting up needs 15 reputation" in page
        assert 'href="/help/privileges"' in page
        section = page[page.index('id="question"'):]
        assert "Voting up needs 15 reputation" in section[:2000]

    def test_flag_and_comment_refusals_explain_too(self, client):
        q = make_question()
        answer = make_answer(q)
        login(client, make_user())
        r = client.post(f"/answers/{answer.id}/flag", data={"reason": "spam"})
        page = client.get(r.headers["Location"]).get_data(as_text=True)
        assert "Flagging needs 15 reputation" in page
        r = client.post(f"/answers/{answer.id}/comments", data={"body": "Which firmware do you run?"})
        page = html.unescape(client.get(r.headers["Location"]).get_data(as_text=True))
        assert "Commenting on others' posts needs 50 reputation" in page

    def test_own_post_still_hides_its_vote_buttons(self, client):
        q = make_question()
        login(client, q.author)
        page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
        assert 'aria-label="Upvote this question"' not in page


def test_empty_search_offers_to_ask_with_the_query_as_title(client):
    page = client.get("/search?q=zebra+firmware+riddle").get_data(as_text=True)
    assert "No results" in page
    assert 'href="/login?next=/questions/ask?title%3Dzebra%2Bfirmware%2Briddle"' in page or \
        "title%3Dzebra" in page


class TestMessagesBesideTheControl:
    def test_an_answer_vote_message_is_shown_in_that_answer(self, client):
        q = make_question()
        answer = make_answer(q)
        login(client, make_user(reputation_points=20))
        r = client.post(f"/answers/{answer.id}/vote", data={"value": "1"})
        assert r.headers["Location"].endswith(f"#answer-{answer.id}-status")
        page = client.get(r.headers["Location"]).get_data(as_text=True)
        block = page[page.index(f'id="answer-{answer.id}-status"'):]
        assert "Upvoted." in block[:600]
        assert "Upvoted." not in page[:page.index('id="main"') + 600]

    def test_a_flag_missing_its_detail_reopens_the_form_with_the_error_inside(self, client):
        q = make_question()
        answer = make_answer(q)
        login(client, make_user(reputation_points=20))
        r = client.post(f"/answers/{answer.id}/flag", data={"reason": "attention", "text": ""})
        assert r.headers["Location"].endswith(f"#flag-answer-{answer.id}")
        page = client.get(r.headers["Location"]).get_data(as_text=True)
        form = page[page.index(f'id="flag-answer-{answer.id}"'):]
        assert form.split(">", 1)[0].endswith(" open")
        assert 'class="flash flash--error flash--here"' in form[:1500]

    def test_a_too_short_answer_comes_back_at_the_answer_form(self, client):
        q = make_question()
        login(client, make_user())
        page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
        assert f'action="/questions/{q.id}/answers#your-answer"' in page
        r = client.post(f"/questions/{q.id}/answers", data={"body": "too short"})
        assert r.status_code == 422
        assert "data-focus-here" in r.get_data(as_text=True)


def test_deleting_a_comment_asks_for_confirmation(client):
    from tests.factories import make_comment

    q = make_question()
    comment = make_comment(q)
    login(client, comment.author)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    block = page[page.index(f'id="comment-{comment.id}"'):][:2500]
    assert "Delete this comment?" in block and "Yes, delete the comment" in block
    assert block.index("<details") < block.index(f'action="/comments/{comment.id}/delete"')


def test_username_field_and_hint_agree_on_the_length(client):
    page = client.get("/register").get_data(as_text=True)
    assert "3–30 characters" in page
    assert re.search(r'<input[^>]*id="username"[^>]*maxlength="30"', page)


def test_enter_in_the_ask_form_posts_rather_than_checking_similar_questions(client):
    make_product()
    login(client, make_user())
    page = client.get("/questions/ask").get_data(as_text=True)
    form = page[page.index('<form class="stack-form card"'):]
    first_submit = re.search(r'<button type="submit"[^>]*>([^<]*)<', form)
    assert first_submit.group(1) == "Post your question"
    assert "formaction" not in first_submit.group(0)


def test_the_demo_never_leaves_activity_in_the_future():
    import random

    from forum.extensions import db
    from forum.models import utcnow
    from forum.services import demo

    class Extremes(random.Random):
        """The youngest thread (0.2 days) with the latest reply (30 hours after it)."""

        def uniform(self, a, b):
            return b if b == 30 else a

    threads = []
    for n in range(3):
        q = make_question(title=f"Demo thread number {n} about the schedule")
        make_answer(q)
        threads.append(q)
    demo._spread_over_time(Extremes(), threads)
    now = utcnow()
    for q in threads:
        db.session.refresh(q)
        assert q.created_at <= q.last_activity_at <= now


def test_feed_links_open_a_page_that_explains_feeds(client):
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<a href="(/feeds/about\?feed=[^"]+)"[^>]*>RSS</a>', page)
    assert link, "the visible RSS link leads to the explanation"
    about = client.get(html.unescape(link.group(1)))
    text = about.get_data(as_text=True)
    assert about.status_code == 200 and "Subscribe with a feed reader" in text
    assert re.search(r'value="http://localhost/feeds/[^"]+\.rss"', text)
    assert '<link rel="alternate" type="application/rss+xml"' in page
    for bad in ("https://evil.example/x.rss", "//evil.example/feeds/x.rss", "/feeds/../admin.rss", "/feeds/x.html"):
        assert client.get("/feeds/about", query_string={"feed": bad}).status_code == 404, bad
