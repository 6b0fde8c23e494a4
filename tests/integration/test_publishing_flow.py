"""Publishing an answer to the knowledge base: a clean suggested summary, a preview that saves
nothing, and a thread that says plainly that the answer is now a knowledge article."""

import html
import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Article
from moderation import knowledge
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user

BODY = """After the router auto-updated to **3.1.0** last night, my work VPN connects but no traffic passes.
On the hotspot from my phone it works fine, so it's the router.

```
[IKE] CHILD_SA work{1} established
[NET] no response from 10.20.0.1
```

- VPN passthrough is on
- [Release notes](https://example.com/notes) say nothing

Is there a way to roll back to 3.0.4?"""


@pytest.fixture
def moderator():
    return make_user(role="moderator")


def summary_field(page: str) -> str:
    return html.unescape(re.search(r'<textarea id="kb-summary"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1))


def test_the_suggested_summary_is_clean_prose_not_the_flattened_body(client, moderator):
    q = make_question(title="Router firmware 3.1.0 broke my IPsec VPN", body=BODY)
    make_answer(q)
    login(client, moderator)
    summary = summary_field(client.get(f"/questions/{q.id}/publish").get_data(as_text=True))
    assert summary == ("After the router auto-updated to 3.1.0 last night, my work VPN connects but no traffic "
                       "passes. On the hotspot from my phone it works fine, so it's the router.")
    for leaked in ("**", "```", "[IKE]", "https://", "- VPN"):
        assert leaked not in summary
    assert knowledge.SUMMARY_MIN <= len(summary) <= knowledge.SUGGESTED_SUMMARY_CHARS


def test_a_long_opening_paragraph_is_cut_at_a_word_with_an_ellipsis(moderator):
    q = make_question(body="word " * 120 + "end of a very long first paragraph without any full stop at all")
    summary = knowledge.suggested_summary(q)
    assert summary.endswith("…") and len(summary) <= knowledge.SUGGESTED_SUMMARY_CHARS + 1
    assert "  " not in summary


def test_preview_shows_the_article_and_publishes_nothing(client, moderator):
    q = make_question(title="Router firmware 3.1.0 broke my IPsec VPN", body=BODY)
    a = make_answer(q, body="Roll back under **Settings → Firmware → Previous version**, then turn auto-update off.")
    login(client, moderator)
    fields = {"title": "Roll back router firmware that broke a VPN",
              "summary": "How to go back to firmware 3.0.4 when 3.1.0 stops VPN traffic.",
              "body": a.body_md, "tags": "vpn firmware", "note": ""}
    r = client.post(f"/questions/{q.id}/publish?answer_id={a.id}", data={**fields, "action": "preview"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Preview: not published yet" in page
    assert "<strong>Settings → Firmware → Previous version</strong>" in page
    assert 'value="Roll back router firmware that broke a VPN"' in page
    assert db.session.scalar(select(func.count(Article.id))) == 0
    bad = client.post(f"/questions/{q.id}/publish?answer_id={a.id}", data={**fields, "summary": "short",
                                                                          "action": "preview"})
    assert bad.status_code == 422 and "what problem this solves" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Article.id))) == 0
    done = client.post(f"/questions/{q.id}/publish?answer_id={a.id}", data={**fields, "action": "publish"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count(Article.id))) == 1


def test_only_moderators_preview(client):
    q = make_question()
    a = make_answer(q)
    login(client, make_user(reputation_points=5000))
    r = client.post(f"/questions/{q.id}/publish?answer_id={a.id}", data={
        "title": "A title long enough to pass", "summary": "A summary that is long enough.",
        "body": "A body that is long enough to be an article body.", "tags": "x", "action": "preview"})
    assert r.status_code == 403


def test_the_thread_says_the_answer_is_now_a_knowledge_article(client, moderator):
    q = make_question()
    a = make_answer(q)
    article = knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator, title="Resetting the thermostat schedule")
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    answer = page[page.index(f'id="answer-{a.id}"'):]
    notice = answer[answer.index('class="kb-notice"'):][:800]
    assert "This answer is now a knowledge article" in notice
    assert f'href="/kb/{article.id}/' in notice and "Resetting the thermostat schedule" in notice
