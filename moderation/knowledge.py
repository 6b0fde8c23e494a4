"""Knowledge articles: the community's best answers, published and kept by the company.

README, "Support cases and the knowledge base".

Publishing credits the answer's author (+25 and the "Knowledge author" badge) through the
reputation ledger; every edit of an article is a new version with who, when and why.
"""

import html
import re
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from forum.extensions import db
from forum.markup import render_markdown, strip_tags
from forum.models import (
    Answer,
    Article,
    ArticleState,
    ArticleVersion,
    Question,
    Tag,
    User,
    article_tags,
    utcnow,
)
from forum.policy import Permission, require, visibility
from forum.services import badges, ledger
from forum.services.errors import Conflict, MissingReference, NotFound, StateConflict, ValidationFailed
from forum.services.events import Event, emit
from forum.services.posts import BODY_MAX, TITLE_MAX, TITLE_MIN, canonical_names, parse_tags
from forum.services.posts import BODY_MIN as ARTICLE_BODY_MIN
from forum.services.queries import Page
from forum.transaction import savepoint
from reputation.events import RepEvent

SUMMARY_MIN, SUMMARY_MAX = 20, 500
SUGGESTED_SUMMARY_CHARS = 240  # a sentence or two: what a reader scanning the knowledge base sees
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class ArticlePreview:
    """An article as it would be published: the checked fields and the rendered body."""

    title: str
    summary: str
    body_html: str
    tags: list[str]


def _check(title: str, summary: str, body: str, errors: dict[str, str]) -> tuple[str, str, str]:
    title = " ".join((title or "").split())
    summary = " ".join((summary or "").split())
    body = (body or "").replace("\x00", "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = _("%(title_min)s–%(title_max)s characters.", title_min=TITLE_MIN, title_max=TITLE_MAX)
    if not SUMMARY_MIN <= len(summary) <= SUMMARY_MAX:
        errors["summary"] = _("%(summary_min)s–%(summary_max)s characters: what problem this solves.",
                              summary_min=SUMMARY_MIN, summary_max=SUMMARY_MAX)
    if not ARTICLE_BODY_MIN <= len(body) <= BODY_MAX:
        errors["body"] = _("%(article_body_min)s–%(body_max)s characters.",
                           article_body_min=ARTICLE_BODY_MIN, body_max=format_number(BODY_MAX))
    return title, summary, body


def _tags(names: list[str]) -> list[Tag]:
    """The rows for these names (a synonym stands for its master), created as needed, sorted by name."""
    names = canonical_names(names)
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    rows = []
    for name in sorted(names):
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
        rows.append(existing[name])
    return rows


def _version(article: Article, editor: User, note: str) -> None:
    number = (db.session.scalar(select(func.max(ArticleVersion.number)).where(
        ArticleVersion.article_id == article.id)) or 0) + 1
    article.version = number
    db.session.add(ArticleVersion(article_id=article.id, number=number, title=article.title, summary=article.summary,
                                  body_md=article.body_md, state=article.state, editor_id=editor.id, note=note[:300]))


def article_for_answer(answer_id: int) -> Article | None:
    return db.session.scalar(select(Article).where(Article.answer_id == answer_id))


def publish_answer(question_id: int, *, answer_id: int, actor: User, title: str | None = None,
                   summary: str | None = None, body: str | None = None, tags: list[str] | str | None = None,
                   note: str = "") -> Article:
    """Publish a thread's answer as a knowledge article, crediting its author.

    Raises Conflict when that answer is already an article, NotAllowed for non-moderators.
    """
    require(actor, Permission.ARTICLE_PUBLISH)
    question = db.session.get(Question, question_id)
    answer = db.session.get(Answer, answer_id) if isinstance(answer_id, int) else None
    if not visibility.is_live(question):
        raise NotFound(_("No such question."))
    if answer is None or answer.question_id != question.id or not visibility.is_live(answer):
        raise MissingReference(_("Choose one of this thread's answers."),
                               fields={"answer_id": _("Not an answer here.")})
    existing = article_for_answer(answer.id)
    if existing is not None:
        raise Conflict(_("That answer is already published as “%(existing)s”.", existing=existing.title))
    if body is None and len(answer.body_md.strip()) < ARTICLE_BODY_MIN:
        raise StateConflict(_("This answer is shorter than an article (%(article_body_min)s+ characters): send a "
                              "body.",
                              article_body_min=ARTICLE_BODY_MIN))
    errors: dict[str, str] = {}
    title, summary, body = _check(title or question.title, summary or _summary_of(question), body or answer.body_md,
                                  errors)
    tag_names = parse_tags([t.name for t in question.tags] if tags is None else tags, errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    now = utcnow()
    article = Article(title=title, summary=summary, body_md=body, body_html=render_markdown(body),
                      state=ArticleState.PUBLISHED.value, product_id=question.product_id, question_id=question.id,
                      answer_id=answer.id, author_id=answer.author_id, created_by_id=actor.id, created_at=now,
                      updated_at=now, published_at=now, tags=_tags(tag_names))
    try:
        with savepoint():
            db.session.add(article)
            db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("That answer was just published by someone else.")) from exc
    _version(article, actor, note or "published from the community thread")
    ledger.lock_users([answer.author_id])
    ledger.record(RepEvent.ANSWER_PUBLISHED, user_id=answer.author_id, actor_id=actor.id, answer_id=answer.id)
    ledger.refresh_cache([answer.author_id])
    badges.on_answer_published(answer)
    _audit(actor, "article.publish", article)
    emit(Event.ARTICLE_PUBLISHED, article_id=article.id, question_id=question.id, actor_id=actor.id)
    db.session.flush()
    return article


def _summary_of(question: Question) -> str:
    return suggested_summary(question)


def suggested_summary(question: Question) -> str:
    """A clean summary to start from: the question's opening sentences as plain prose.

    Read from the rendered question, so Markdown syntax, code blocks, lists and links' addresses
    never leak into it; whole sentences up to about SUGGESTED_SUMMARY_CHARS. Falls back to the
    title when the question has no prose paragraph long enough.
    """
    paragraphs = [" ".join(html.unescape(strip_tags(p)).split()) for p in _PARAGRAPH_RE.findall(question.body_html)]
    text = next((p for p in paragraphs if len(p) >= SUMMARY_MIN), "")
    if not text:
        return question.title if len(question.title) >= SUMMARY_MIN else f"How to solve: {question.title}"
    summary = ""
    for sentence in _SENTENCE_END_RE.split(text):
        if summary and len(summary) + 1 + len(sentence) > SUGGESTED_SUMMARY_CHARS:
            break
        summary = f"{summary} {sentence}".strip()
    if len(summary) > SUGGESTED_SUMMARY_CHARS:
        summary = summary[:SUGGESTED_SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return summary


def preview_article(*, actor: User, title: str, summary: str, body: str, tags: list[str] | str) -> ArticlePreview:
    """Check an article's fields as publishing or editing would, and render its body; saves nothing.

    Raises ValidationFailed with the same messages publishing gives.
    """
    require(actor, Permission.ARTICLE_PUBLISH)
    errors: dict[str, str] = {}
    title, summary, body = _check(title, summary, body, errors)
    tag_names = parse_tags(tags, errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return ArticlePreview(title, summary, render_markdown(body), tag_names)


def get_article(article_id: int, *, viewer: User | None) -> Article:
    """Published articles for everyone; drafts and archived ones for the people who edit them."""
    article = db.session.get(Article, article_id)
    if article is None or not visibility.can_see(viewer, article):
        raise NotFound(_("No such article."))
    return article


def edit_article(article_id: int, *, actor: User, title: str, summary: str, body: str,
                 tags: list[str] | str | None = None, note: str = "") -> Article:
    """Save a new version of an article (agents and moderators)."""
    require(actor, Permission.ARTICLE_EDIT)
    article = get_article(article_id, viewer=actor)
    errors: dict[str, str] = {}
    title, summary, body = _check(title, summary, body, errors)
    tag_names = parse_tags([t.name for t in article.tags] if tags is None else tags, errors)
    if not (note or "").strip():
        errors["note"] = _("Say briefly what you changed and why.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    article.title, article.summary, article.body_md = title, summary, body
    article.body_html = render_markdown(body)
    article.tags = _tags(tag_names)
    article.updated_at = utcnow()
    _version(article, actor, note.strip())
    _audit(actor, "article.edit", article, reason=note.strip())
    emit(Event.ARTICLE_UPDATED, article_id=article.id, actor_id=actor.id)
    db.session.flush()
    return article


def set_state(article_id: int, state: str, *, actor: User, note: str = "") -> Article:
    """Move an article between draft, published and archived (a new version records it)."""
    require(actor, Permission.ARTICLE_EDIT)
    try:
        target = ArticleState(state)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown state."), fields={"state": _("Use draft, published or archived.")}) from exc
    article = get_article(article_id, viewer=actor)
    if article.state == target:
        return article
    before = article.state
    article.state = target.value
    article.updated_at = utcnow()
    if target is ArticleState.PUBLISHED and article.published_at is None:
        article.published_at = utcnow()
    _version(article, actor, note or f"{before} → {target.value}")
    _audit(actor, "article.state", article, before={"state": before}, after={"state": target.value})
    emit(Event.ARTICLE_UPDATED, article_id=article.id, actor_id=actor.id)
    db.session.flush()
    return article


def versions(article: Article) -> list[ArticleVersion]:
    return list(db.session.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article.id)
                                   .order_by(ArticleVersion.number)))


def list_articles(*, product_id: int | None = None, tag: str | None = None, page: int = 1, per_page: int = 20,
                  viewer: User | None = None) -> Page:
    """A page of the articles `viewer` may see (published ones, unless the support team), newest change first."""
    where = [visibility.article_clause(viewer)]
    if product_id is not None:
        where.append(Article.product_id == product_id)
    if tag:
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == tag))
        if tag_id is None:
            raise NotFound(_("No such tag."))
        where.append(Article.id.in_(select(article_tags.c.article_id).where(article_tags.c.tag_id == tag_id)))
    total = db.session.scalar(select(func.count(Article.id)).where(*where)) or 0
    items = list(db.session.scalars(select(Article).where(*where)
                                    .options(joinedload(Article.product), joinedload(Article.author),
                                             selectinload(Article.tags))
                                    .order_by(Article.updated_at.desc(), Article.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def _audit(actor: User, action: str, article: Article, reason: str = "", before: dict | None = None,
           after: dict | None = None) -> None:
    from moderation import audit

    audit.log(action, actor, target=f"article:{article.id}", reason=reason, before=before, after=after)
