"""RSS 2.0 and Atom feeds, read by a real feed reader library (feedparser)."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from forum.services import answers, questions
from tests.factories import make_answer, make_question, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


def read(client, url: str, kind: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
    parsed = feedparser.parse(response.data, response_headers={"content-type": response.headers["Content-Type"]})
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    assert parsed.version == ("atom10" if kind == "atom" else "rss20")
    return response, parsed


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_latest_questions_feed_parses_cleanly_with_absolute_links(client, kind):
    author = make_user("feedwriter")
    first = make_question(author, title="Thermostat loses Wi-Fi every night")
    second = make_question(title="Display flickers when the heating starts", tags=["display", "heating"])
    _, feed = read(client, f"/feeds/questions.{kind}", kind)
    assert [e.title for e in feed.entries] == [second.title, first.title]
    entry = feed.entries[1]
    assert entry.link == f"http://localhost/questions/{first.id}/thermostat-loses-wi-fi-every-night"
    assert entry.id == f"tag:peercare,2026:question/{first.id}"
    assert entry.author == "feedwriter"
    assert entry.published_parsed
    if kind == "atom":  # RSS 2.0 items have only pubDate; the channel has lastBuildDate
        assert entry.updated_parsed
    assert "The schedule keeps coming back" in (entry.content[0].value if kind == "atom" else entry.description)
    assert {t.term for t in feed.entries[0].tags} == {"display", "heating"}
    assert feed.feed.title == "Latest questions"
    assert feed.feed.link == "http://localhost/questions?sort=newest"
    assert feed.feed.updated_parsed
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"http://localhost/feeds/questions.{kind}"]


def test_entry_ids_stay_the_same_when_titles_change(client):
    q = make_question(title="Original title of this question")
    before = read(client, "/feeds/questions.atom", "atom")[1].entries[0].id
    questions.edit_question(q.id, q.author, title="A better title for this question")
    after = read(client, "/feeds/questions.atom", "atom")[1].entries[0]
    assert after.id == before
    assert after.title == "A better title for this question"


def test_entry_html_is_the_sanitized_html_with_absolute_links(client):
    make_question(body="See [the other thread](/questions/1) <script>alert(1)</script> "
                       "<img src=x onerror=alert(2)> and **bold** words.")
    response = client.get("/feeds/questions.atom")
    root = ET.fromstring(response.data)  # noqa: S314 - our own feed, just produced by the app under test
    html = root.find(f"{ATOM}entry/{ATOM}content").text
    assert 'href="http://localhost/questions/1"' in html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "onerror" not in html


def test_product_tag_unanswered_and_question_feeds(client):
    answered = make_question(title="Answered question about the meter", product="meter", tags=["billing"])
    make_answer(answered)
    from forum.services import votes
    from reputation.events import PostKind

    voter = make_user(reputation_points=100)
    votes.vote(voter, PostKind.ANSWER, answers_of(answered)[0], 1)
    open_question = make_question(title="Open question about the thermostat", tags=["billing"])
    deleted = make_question(title="Deleted question never shows in feeds")
    questions.delete_question(deleted.id, deleted.author)
    _, product = read(client, "/feeds/products/meter.rss", "rss")
    assert [e.title for e in product.entries] == [answered.title]
    assert product.feed.link == "http://localhost/products/meter"
    _, tag = read(client, "/feeds/tags/billing.atom", "atom")
    assert [e.title for e in tag.entries] == [open_question.title, answered.title]
    _, unanswered = read(client, "/feeds/unanswered.rss", "rss")
    assert [e.title for e in unanswered.entries] == [open_question.title]
    first = make_answer(open_question, body="First answer: reset the thermostat from the menu.")
    second = make_answer(open_question, body="Second answer: update the firmware first.")
    answers.delete_answer(first.id, first.author)
    _, thread = read(client, f"/feeds/questions/{open_question.id}.atom", "atom")
    assert [e.id for e in thread.entries] == [f"tag:peercare,2026:answer/{second.id}"]
    assert thread.entries[0].link.endswith(f"#answer-{second.id}")
    for url in ("/feeds/products/nope.rss", "/feeds/tags/nope.atom", f"/feeds/questions/{deleted.id}.rss",
                "/feeds/questions/abc.rss", "/feeds/everything.rss", "/feeds/questions.json"):
        assert client.get(url).status_code == 404, url


def answers_of(question) -> list[int]:
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import Answer

    return list(db.session.scalars(select(Answer.id).where(Answer.question_id == question.id)))


def test_conditional_get_answers_304_until_something_changes(client):
    make_question()
    first = client.get("/feeds/questions.rss")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/feeds/questions.rss", headers={"If-None-Match": etag}).status_code == 304
    not_modified = client.get("/feeds/questions.rss", headers={"If-Modified-Since": modified})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert client.get("/feeds/questions.atom", headers={"If-None-Match": etag}).status_code == 200
    make_question(title="Something new arrives in the feed")
    changed = client.get("/feeds/questions.rss", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_pages_advertise_their_feeds(client):
    q = make_question(tags=["wifi"])
    expectations = {
        "/": ["/feeds/questions.rss", "/feeds/questions.atom"],
        "/questions?sort=unanswered": ["/feeds/unanswered.rss", "/feeds/questions.atom"],
        "/products/thermostat": ["/feeds/products/thermostat.rss", "/feeds/products/thermostat.atom"],
        "/tags/wifi": ["/feeds/tags/wifi.rss", "/feeds/tags/wifi.atom"],
        f"/questions/{q.id}": [f"/feeds/questions/{q.id}.rss", f"/feeds/questions/{q.id}.atom"],
    }
    for url, hrefs in expectations.items():
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        head = page.split("</head>")[0]
        for href in hrefs:
            kind = "rss" if href.endswith(".rss") else "atom"
            assert re.search(rf'<link rel="alternate" type="application/{kind}\+xml" title="[^"]+" href="{re.escape(href)}">',
                             head), (url, href)
    assert 'rel="alternate"' not in client.get("/users").get_data(as_text=True).split("</head>")[0]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_knowledge_article_feeds_carry_published_articles_only(client, kind):
    from moderation import knowledge

    moderator = make_user(role="moderator")
    q = make_question(title="Thermostat shows E42 after the firmware update", product="thermostat")
    a = make_answer(q, body="Hold the dial for ten seconds until it shows RST.")
    article = knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator)
    other = make_question(title="Meter reading is one day behind the bill", product="meter")
    archived = knowledge.publish_answer(other.id, answer_id=make_answer(other).id, actor=moderator)
    knowledge.set_state(archived.id, "archived", actor=moderator)
    _, feed = read(client, f"/feeds/articles.{kind}", kind)
    assert [e.id for e in feed.entries] == [f"tag:peercare,2026:article/{article.id}"]
    assert feed.entries[0].link == f"http://localhost/kb/{article.id}/thermostat-shows-e42-after-the-firmware-update"
    assert "Hold the dial" in (feed.entries[0].content[0].value if kind == "atom" else feed.entries[0].description)
    assert read(client, f"/feeds/articles/meter.{kind}", kind)[1].entries == []
    assert len(read(client, f"/feeds/articles/thermostat.{kind}", kind)[1].entries) == 1
    assert client.get(f"/feeds/articles/no-such-product.{kind}").status_code == 404
    page = client.get("/kb").get_data(as_text=True)
    assert f'href="/feeds/articles.{kind}"' in page
