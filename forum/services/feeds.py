"""RSS 2.0 and Atom feeds, built with feedgen from a registry of sources.

The feeds on offer: README, "Notifications, email digests and feeds".

A source returns a Feed (entries newest first) in one or two queries; the web layer turns it
into XML in either format and answers conditional requests from `validators()` before any
XML is built. Built in: latest questions, unanswered questions, a product's and a tag's
questions, a question's answers and published knowledge articles (all, or one product's).
Another feature registers one from its init_app (which create_app calls), e.g.

    def init_app(app):
        feeds.source("releases", with_arg=True)(releases)  # releases(link, arg, limit) -> feeds.Feed

which serves /feeds/releases/<arg>.rss and .atom. Entry ids are tag: URIs that never change
with titles or hosts.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from forum import urls
from forum.extensions import db
from forum.models import Answer, Article, Product, Question, Tag, question_tags
from forum.parse import parse_id
from forum.policy import visibility
from forum.services import posts
from forum.services.errors import NotFound

FORMATS = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}
TAG_AUTHORITY = "peercare,2026"  # tag:peercare,2026:question/123 — stable whatever the host or title
EMPTY_UPDATED = datetime(2026, 1, 1)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ROOT_RELATIVE = re.compile(r'(\b(?:href|src)=")/(?!/)')

Link = Callable[..., str]


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    url: str
    html: str
    author: str
    published: datetime
    updated: datetime
    categories: tuple[str, ...] = ()
    language: str = ""  # the language the entry is written in (a question's); "" when unknown


@dataclass
class Feed:
    key: str
    title: str
    subtitle: str
    page_url: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def updated(self) -> datetime:
        return max((e.updated for e in self.entries), default=EMPTY_UPDATED)


Source = Callable[[Link, str | None, int], Feed]
_sources: dict[tuple[str, bool], Source] = {}


def source(name: str, *, with_arg: bool = False) -> Callable[[Source], Source]:
    """Register a feed source: fn(link, arg, limit) -> Feed; `with_arg` sources take one URL part."""

    def register(fn: Source) -> Source:
        _sources[(name, with_arg)] = fn
        return fn

    return register


def load(name: str, arg: str | None, *, link: Link, limit: int) -> Feed:
    """The feed `name` (with its argument); raises NotFound for unknown feeds or targets."""
    fn = _sources.get((name, arg is not None))
    if fn is None:
        raise NotFound(_("No such feed."))
    return fn(link, arg, limit)


def validators(feed: Feed, fmt: str) -> tuple[str, datetime]:
    """(ETag, Last-Modified) for a feed: they change whenever an entry is added, edited or removed."""
    digest = hashlib.sha256(f"{fmt}|{feed.key}|{feed.title}".encode())
    for entry in feed.entries:
        digest.update(f"|{entry.guid}@{entry.updated.isoformat()}".encode())
    return digest.hexdigest()[:32], feed.updated.replace(microsecond=0)


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text or "")


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _EntryLanguage(BaseEntryExtension):
    """An Atom entry's `xml:lang` (Atom allows it on any element; feedgen only sets the feed's)."""

    code = ""

    def extend_atom(self, entry):
        if self.code:
            entry.set(XML_LANG, self.code)
        return entry


def render(feed: Feed, fmt: str, *, self_url: str, root_url: str, language: str = "en") -> bytes:
    """The feed as RSS 2.0 or Atom; entry HTML is the stored, sanitized HTML with absolute links.

    `language` is the feed's own (its titles are in the reader's interface language); each entry
    also names the language it is written in: `xml:lang` in Atom, `dc:language` in RSS, which
    has no attribute for it.
    """
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("content_language", BaseExtension, _EntryLanguage, atom=True, rss=False)
    fg.id(f"tag:{TAG_AUTHORITY}:feed/{feed.key}")
    fg.title(_xml_text(feed.title))
    fg.subtitle(_xml_text(feed.subtitle) or _xml_text(feed.title))
    fg.link(href=self_url, rel="self", type=FORMATS[fmt].split(";")[0])
    fg.link(href=feed.page_url, rel="alternate")  # last: feedgen makes it the RSS channel <link>
    fg.language(language)
    fg.generator("PeerCare")
    fg.updated(_aware(feed.updated))
    fg.lastBuildDate(_aware(feed.updated))
    for entry in feed.entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.guid)
        fe.guid(entry.guid, permalink=False)
        fe.title(_xml_text(entry.title))
        fe.link(href=entry.url, rel="alternate")
        html = _ROOT_RELATIVE.sub(lambda m: m.group(1) + root_url.rstrip("/") + "/", _xml_text(entry.html))
        fe.content(html, type="html")
        fe.description(html)
        fe.author(name=_xml_text(entry.author))
        fe.dc.dc_creator(_xml_text(entry.author))
        if entry.language:
            fe.content_language.code = entry.language
            fe.dc.dc_language(entry.language)
        for term in entry.categories:
            fe.category(term=term)
        fe.published(_aware(entry.published))
        fe.updated(_aware(entry.updated))
    return fg.atom_str(pretty=False) if fmt == "atom" else fg.rss_str(pretty=False)


# --- built-in sources --------------------------------------------------------------------------

def _question_entries(link: Link, *where, order, limit: int) -> list[Entry]:
    questions = db.session.scalars(
        select(Question).where(visibility.public_questions(), *where)
        .options(joinedload(Question.author), selectinload(Question.tags)).order_by(*order).limit(limit))
    return [Entry(guid=f"tag:{TAG_AUTHORITY}:question/{q.id}", title=q.title,
                  url=urls.question_url(q, link=link), html=q.body_html,
                  author=q.author.username, published=q.created_at, updated=q.edited_at or q.created_at,
                  categories=tuple(t.name for t in q.tags), language=q.content_language.value)
            for q in questions]


NEWEST = (Question.created_at.desc(), Question.id.desc())


def latest_questions(link: Link, _arg: str | None, limit: int) -> Feed:
    return Feed("questions", _("Latest questions"), _("The newest questions in the community."),
                link("questions.listing", sort="newest"), _question_entries(link, order=NEWEST, limit=limit))


def unanswered_questions(link: Link, _arg: str | None, limit: int) -> Feed:
    upvoted = exists().where(Answer.question_id == Question.id, Answer.score > 0,
                             visibility.public_answers(with_question=False))
    return Feed("unanswered", _("Unanswered questions"), _("Questions still waiting for a good answer."),
                link("questions.listing", sort="unanswered"),
                _question_entries(link, Question.accepted_answer_id.is_(None), Question.solved_by_support_at.is_(None),
                                  ~upvoted, order=NEWEST, limit=limit))


def product_questions(link: Link, slug: str | None, limit: int) -> Feed:
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        raise NotFound(_("No such product."))
    return Feed(f"products/{product.id}", _("%(product)s: latest questions", product=product.name), product.description,
                urls.product_url(product, link=link),
                _question_entries(link, Question.product_id == product.id, order=NEWEST, limit=limit))


def tag_questions(link: Link, name: str | None, limit: int) -> Feed:
    tag = db.session.scalar(select(Tag).where(Tag.name == posts.canonical_name(name or "")))
    if tag is None:
        raise NotFound(_("No such tag."))
    tagged = select(question_tags.c.question_id).where(question_tags.c.tag_id == tag.id)
    return Feed(f"tags/{tag.id}", _("Questions tagged [%(tag)s]", tag=tag.name), tag.description,
                urls.tag_url(tag, link=link),
                _question_entries(link, Question.id.in_(tagged), order=NEWEST, limit=limit))


def question_answers(link: Link, arg: str | None, limit: int) -> Feed:
    question = db.session.get(Question, parse_id(arg)) if parse_id(arg) is not None else None
    if question is None or not visibility.is_public(question):
        raise NotFound(_("That question doesn't exist or has been deleted."))
    answers = db.session.scalars(
        select(Answer).where(Answer.question_id == question.id, visibility.public_answers(with_question=False))
        .options(joinedload(Answer.author)).order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit))
    entries = [Entry(guid=f"tag:{TAG_AUTHORITY}:answer/{a.id}",
                     title=_("Answer by %(username)s", username=a.author.username),
                     url=urls.question_url(question, urls.answer_anchor(a.id), link=link),
                     html=a.body_html, author=a.author.username, published=a.created_at,
                     updated=a.edited_at or a.created_at, language=question.content_language.value)
               for a in answers]
    return Feed(f"questions/{question.id}", _("Answers to: %(title)s", title=question.title),
                "New answers to this question.",
                urls.question_url(question, link=link), entries)


def _article_entries(link: Link, *where, limit: int) -> list[Entry]:
    """Published articles only: drafts and archived ones are not public."""
    articles = db.session.scalars(
        select(Article).where(visibility.public_articles(), *where)
        .options(joinedload(Article.author), selectinload(Article.tags))
        .order_by(Article.published_at.desc(), Article.id.desc()).limit(limit))
    return [Entry(guid=f"tag:{TAG_AUTHORITY}:article/{a.id}", title=a.title,
                  url=urls.article_url(a, link=link), html=a.body_html,
                  author=a.author.username if a.author else "PeerCare",
                  published=a.published_at or a.created_at, updated=a.updated_at,
                  categories=tuple(t.name for t in a.tags))
            for a in articles]


def knowledge_articles(link: Link, _arg: str | None, limit: int) -> Feed:
    return Feed("articles", _("Knowledge articles"), _("Answers from the community, published as knowledge."),
                link("knowledge.index"), _article_entries(link, limit=limit))


def product_articles(link: Link, slug: str | None, limit: int) -> Feed:
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        raise NotFound(_("No such product."))
    return Feed(f"articles/{product.id}", _("%(product)s: knowledge articles", product=product.name),
                product.description,
                link("knowledge.index", product=product.slug),
                _article_entries(link, Article.product_id == product.id, limit=limit))


def init_app(app) -> None:
    """Register the built-in feed sources."""
    source("questions")(latest_questions)
    source("unanswered")(unanswered_questions)
    source("products", with_arg=True)(product_questions)
    source("tags", with_arg=True)(tag_questions)
    source("questions", with_arg=True)(question_answers)
    source("articles")(knowledge_articles)
    source("articles", with_arg=True)(product_articles)
