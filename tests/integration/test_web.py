"""Every page through the test client: forms, permissions, flashes, error pages."""

import re

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Question, Revision, User
from forum.services import acceptance, comments, votes
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_product, make_question, make_tags, make_user, sign_up


def test_register_sign_in_and_out(client):
    r = sign_up(client, "Maria_K", "Maria@Example.com", "a-long-password")
    assert r.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "Maria_K"))
    assert user.email == "maria@example.com"
    assert user.password_hash != "a-long-password"
    assert "Maria_K" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Sign in" in client.get("/").get_data(as_text=True)
    r = client.post("/login", data={"login": "maria@example.com", "password": "a-long-password", "remember": "y"})
    assert r.status_code == 302
    assert "remember_token" in r.headers.get("Set-Cookie", "") or any(
        "remember_token" in h for h in r.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(("data", "field_message"), [
    ({"username": "ab", "email": "a@example.com", "password": "long-enough-pw"}, "3–30 characters"),
    ({"username": "has space", "email": "a@example.com", "password": "long-enough-pw"}, "3–30 characters"),
    ({"username": "fine_name", "email": "not-an-email", "password": "long-enough-pw"}, "email"),
    ({"username": "fine_name", "email": "a@example.com", "password": "short"}, "at least 10"),
])
def test_register_rerenders_with_field_messages(client, data, field_message):
    r = client.post("/register", data=data)
    assert r.status_code == 422
    assert field_message in r.get_data(as_text=True)


def test_usernames_are_unique_after_nfkc_and_case_folding(client):
    make_user("alice")
    r = client.post("/register", data={"username": "ＡＬＩＣＥ", "email": "x@example.com", "password": "long-enough-pw"})
    assert r.status_code == 422
    assert "taken" in r.get_data(as_text=True)


def test_wrong_password_is_a_form_error(client):
    user = make_user()
    r = client.post("/login", data={"login": user.username, "password": "wrong-password"})
    assert r.status_code == 422
    assert "don&#39;t match" in r.get_data(as_text=True) or "don't match" in r.get_data(as_text=True)


def test_sign_in_never_redirects_off_site(client):
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = client.post(f"/login?next={target}", data={"login": user.username, "password": PASSWORD})
        assert r.headers["Location"] in ("/", "http://localhost/")
    r = client.post("/login?next=/tags", data={"login": user.username, "password": PASSWORD})
    assert r.headers["Location"].endswith("/tags")


def test_ask_flow_renders_markdown_and_keeps_revision(client):
    make_product()
    make_tags("schedule", "weekend")
    user = make_user()
    login(client, user)
    assert client.get("/questions/ask").status_code == 200
    r = client.post("/questions/ask", data={"title": "Schedule ignores the weekend profile",
                                            "body": "On **Saturdays** it still heats at 6am.\n\n<script>alert(1)</script>",
                                            "tags": "schedule weekend", "product": "thermostat"})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<strong>Saturdays</strong>" in page
    assert "<script>alert(1)" not in page
    question = db.session.scalar(select(Question))
    assert db.session.scalar(select(Revision).where(Revision.question_id == question.id)).number == 1


def test_ask_form_errors_rerender(client):
    make_product()
    login(client, make_user())
    r = client.post("/questions/ask", data={"title": "short", "body": "tiny", "tags": "", "product": "thermostat"})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "at least 15 characters" in text
    assert "at least 30 characters" in text


def test_visitors_are_sent_to_sign_in(client):
    q = make_question()
    for url in ("/questions/ask", "/settings", f"/questions/{q.id}/edit"):
        r = client.get(url)
        assert r.status_code == 302
        assert "/login" in r.headers["Location"]
    r = client.post(f"/questions/{q.id}/vote", data={"value": "1"})
    assert "/login" in r.headers["Location"]


def test_thread_page_shows_answers_accepted_first_then_score(client):
    q = make_question()
    low, high, accepted = make_answer(q, body="Low answer body text here"), make_answer(
        q, body="High answer body text here"), make_answer(q, body="Accepted answer body text")
    votes.vote(make_user(reputation_points=20), PostKind.ANSWER, high.id, 1)
    acceptance.accept_answer(accepted.id, q.author)
    comments.post_comment(q.author, PostKind.ANSWER, low.id, body="A comment under the low answer")
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    positions = [page.index(t) for t in ("Accepted answer body", "High answer body", "Low answer body")]
    assert positions == sorted(positions)
    assert "A comment under the low answer" in page
    assert re.search(r"accepted", page, re.IGNORECASE)


def test_thread_url_redirects_to_canonical_slug(client):
    q = make_question(title="Why does the mesh drop at night?")
    r = client.get(f"/questions/{q.id}/wrong-slug")
    assert r.status_code == 301
    assert r.headers["Location"].endswith(f"/questions/{q.id}/why-does-the-mesh-drop-at-night")


def test_vote_and_accept_via_web_with_flash(client):
    q = make_question()
    a = make_answer(q)
    voter = make_user(reputation_points=20)
    login(client, voter)
    r = client.post(f"/answers/{a.id}/vote", data={"value": "1"}, follow_redirects=True)
    assert "Upvoted." in r.get_data(as_text=True)
    r = client.post(f"/answers/{a.id}/accept", follow_redirects=True)
    assert "Only the person who asked" in r.get_data(as_text=True)
    client.post("/logout")
    login(client, q.author)
    r = client.post(f"/answers/{a.id}/accept", follow_redirects=True)
    assert "Answer accepted" in r.get_data(as_text=True)
    db.session.refresh(q)
    assert q.accepted_answer_id == a.id
    r = client.post(f"/questions/{q.id}/vote", data={"value": "1"}, follow_redirects=True)
    assert "can&#39;t vote on your own post" in r.get_data(as_text=True) or "can't vote on your own" in r.get_data(
        as_text=True)
    assert client.post(f"/answers/{a.id}/vote", data={"value": "7"}).status_code == 400


def test_others_cannot_edit_or_delete(client):
    q = make_question()
    login(client, make_user())
    assert client.get(f"/questions/{q.id}/edit").status_code == 403
    r = client.post(f"/questions/{q.id}/edit", data={"title": "Hijacked title for this question", "body": "x" * 40,
                                                     "tags": "x"})
    assert r.status_code == 403
    r = client.post(f"/questions/{q.id}/delete", follow_redirects=True)
    assert "Only the author or a moderator" in r.get_data(as_text=True)
    db.session.refresh(q)
    assert q.deleted_at is None


def test_edit_and_history_page_shows_diff(client):
    q = make_question(body="The original body of this question, long enough.")
    login(client, q.author)
    r = client.post(f"/questions/{q.id}/edit", data={"title": q.title, "body": "The edited body of this question, long enough.",
                                                     "tags": "schedule", "comment": "clarified"})
    assert r.status_code == 302
    page = client.get(f"/questions/{q.id}/revisions").get_data(as_text=True)
    assert "clarified" in page
    assert "-The original body" in page
    assert "+The edited body" in page


def test_own_delete_hides_question_from_lists(client):
    q = make_question(title="A question I will delete soon")
    login(client, q.author)
    r = client.post(f"/questions/{q.id}/delete", follow_redirects=True)
    assert "deleted" in r.get_data(as_text=True)
    assert "A question I will delete soon" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/questions/{q.id}").status_code == 404


def test_comment_and_answer_forms(client):
    q = make_question()
    login(client, q.author)
    r = client.post(f"/questions/{q.id}/comments", data={"body": "Adding: it happens on firmware 4.2 too."},
                    follow_redirects=True)
    assert "Adding: it happens on firmware 4.2 too." in r.get_data(as_text=True)
    r = client.post(f"/questions/{q.id}/answers", data={"body": "too short"})
    assert r.status_code == 422
    assert "at least 20 characters" in r.get_data(as_text=True)
    r = client.post(f"/questions/{q.id}/answers", data={"body": "Answering my own question: a factory reset fixed it."})
    assert r.status_code == 302


@pytest.mark.parametrize("url", ["/", "/?sort=newest", "/?sort=top", "/?sort=unanswered", "/questions", "/tags",
                                 "/products", "/users", "/tags/schedule", "/products/thermostat", "/badges",
                                 "/leaderboard", "/leaderboard?period=all", "/help/privileges", "/login", "/register",
                                 "/healthz/live", "/healthz/ready"])
def test_public_pages_render(client, url):
    make_answer(make_question(tags=["schedule"]))
    assert client.get(url).status_code == 200


def test_profile_and_settings_pages(client):
    q = make_question()
    a = make_answer(q)
    votes.vote(make_user(reputation_points=20), PostKind.ANSWER, a.id, 1)
    for tab in ("questions", "answers", "reputation"):
        r = client.get(f"/users/{a.author_id}?tab={tab}", follow_redirects=True)
        assert r.status_code == 200
    text = client.get(f"/users/{a.author_id}?tab=reputation", follow_redirects=True).get_data(as_text=True)
    assert "answer upvoted" in text
    login(client, a.author)
    assert client.get("/settings").status_code == 200
    r = client.post("/settings/tokens", data={"name": "CRM sync"})
    token = re.search(r"pc_[A-Za-z0-9_-]{20,}", r.get_data(as_text=True)).group(0)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["id"] == a.author_id


def test_change_password_signs_out_other_sessions(app, client):
    user = make_user()
    other = app.test_client()
    login(other, user)
    login(client, user)
    r = client.post("/settings/password", data={"current_password": PASSWORD, "new_password": "a-brand-new-password"})
    assert r.status_code == 302
    assert other.get("/settings").status_code == 302
    assert client.get("/settings").status_code == 200
    r = client.post("/settings/password", data={"current_password": "wrong", "new_password": "another-new-password"})
    assert r.status_code == 422


def test_change_email_validates(client):
    make_user("taken", email="taken@example.com")
    user = make_user()
    login(client, user)
    r = client.post("/settings/email", data={"email": "taken@example.com", "password": PASSWORD})
    assert r.status_code == 422
    r = client.post("/settings/email", data={"email": "new@example.com", "password": PASSWORD})
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.com"


def test_error_pages_are_friendly(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert "couldn" in r.get_data(as_text=True)
    assert client.get("/questions/999999").status_code == 404
    assert client.post("/tags").status_code == 405
    assert client.get("/?page=abc").status_code == 400
    assert client.get("/?page=0").status_code == 400
    assert client.get("/?sort=bogus").status_code == 400
    assert client.get("/leaderboard?period=decade").status_code == 400
    assert client.get("/users/999999").status_code == 404


def test_oversized_form_is_refused(client):
    make_product()
    login(client, make_user())
    r = client.post("/questions/ask", data={"title": "A title that is fine", "body": "x" * (1024 * 1024 + 1),
                                            "tags": "x", "product": "thermostat"})
    assert r.status_code == 413


def test_admin_settings_are_admin_only(client):
    login(client, make_user())
    assert client.get("/admin/settings").status_code == 403
    client.post("/logout")
    login(client, make_user(role="admin"))
    assert client.get("/admin/settings").status_code == 200
    r = client.post("/admin/settings", data={"vote_up": "5", "flag": "15", "comment_anywhere": "50", "vote_down": "x",
                                             "create_tags": "300", "review_queue": "500", "edit_others": "2000",
                                             "vote_close": "3000"})
    assert r.status_code == 422
    r = client.post("/admin/settings", data={"vote_up": "5", "flag": "15", "comment_anywhere": "50", "vote_down": "125",
                                             "create_tags": "300", "review_queue": "500", "edit_others": "2000",
                                             "vote_close": "3000", "new_community": "on"})
    assert r.status_code == 302
    page = client.get("/help/privileges").get_data(as_text=True)
    assert "Vote up" in page


def test_the_ask_page_says_images_come_by_https_link_and_has_no_file_field(client):
    make_product()
    login(client, make_user())
    page = client.get("/questions/ask").get_data(as_text=True)
    assert "by an https link only: we don't accept uploads" in page
    assert 'type="file"' not in page and "multipart/form-data" not in page
