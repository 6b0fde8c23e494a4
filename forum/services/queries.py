"""Read side: question lists, threads and profiles in a fixed, small number of queries."""

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from math import ceil

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from forum.extensions import db
from forum.models import (
    Answer,
    CaseUpdateKind,
    Comment,
    Language,
    Product,
    Question,
    Revision,
    Tag,
    User,
    question_tags,
)
from forum.policy import visibility
from forum.services import events, posts
from forum.services.errors import NotFound, ValidationFailed
from forum.services.votes import votes_of

SORTS = ("newest", "active", "top", "unanswered", "waiting")
# A tag on at least this share of all questions is listed by walking the sort index and probing
# each question's tags; rarer tags fetch their few questions and sort them.
POPULAR_TAG_SHARE = 0.01


class _CountCache:
    """Counts (list totals, questions per product) kept COUNT_CACHE_SECONDS per process.

    Full-table counts cost a scan of every question per page view. A count a few seconds old
    is fine on a list page; this process's own writes clear the cache at once (see below).
    """

    MAX_ENTRIES = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, object]] = {}

    def get(self, key: Hashable, compute: Callable[[], object]) -> object:
        seconds = current_app.config.get("COUNT_CACHE_SECONDS", 0)
        if seconds <= 0:
            return compute()
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = compute()
        with self._lock:
            if len(self._values) >= self.MAX_ENTRIES:
                self._values.clear()
            self._values[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


counts_cache = _CountCache()


def _forget_counts(_event: events.Event, **_ids: int | None) -> None:
    counts_cache.clear()


def init_app(app) -> None:
    """Any change forgets this process's cached counts."""
    events.subscribe(*events.Event)(_forget_counts)


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class Thread:
    question: Question
    answers: list[Answer]
    comments: dict[tuple[str, int], list[Comment]] = field(default_factory=dict)
    my_votes: dict[tuple[str, int], int] = field(default_factory=dict)
    case: object | None = None
    staff_replies: list = field(default_factory=list)
    articles: dict[int, object] = field(default_factory=dict)

    @property
    def solution_update_id(self) -> int | None:
        """The resolution the asker accepted (the last one), while the thread is solved by support."""
        if not self.question.is_solved_by_support:
            return None
        return next((u.id for u in reversed(self.staff_replies) if u.kind == CaseUpdateKind.RESOLUTION), None)

    def comments_on(self, kind: str, post_id: int) -> list[Comment]:
        return self.comments.get((kind, post_id), [])


# Past any real list, and small enough that page × per_page stays a 64-bit offset.
MAX_PAGE = 1_000_000


def check_paging(page: object, per_page: object, *, maximum: int) -> tuple[int, int]:
    """Validate ?page=&per_page= values given as strings or ints."""
    try:
        page_n, per_page_n = int(page), int(per_page)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("page and per_page must be whole numbers."),
                               fields={"page": _("Use a whole number.")}) from exc
    if not 1 <= page_n <= MAX_PAGE or not 1 <= per_page_n <= maximum:
        raise ValidationFailed(_("page is 1–%(max_page)s; per_page is 1–%(maximum)s.",
                                 max_page=format_number(MAX_PAGE), maximum=maximum),
                               fields={"per_page": f"Use 1–{maximum}."})
    return page_n, per_page_n


def _unanswered():
    upvoted = exists().where(Answer.question_id == Question.id, Answer.score > 0,
                             visibility.public_answers(with_question=False))
    return Question.accepted_answer_id.is_(None) & Question.solved_by_support_at.is_(None) & ~upvoted


def _tagged(tag_id: int):
    return Question.id.in_(select(question_tags.c.question_id).where(question_tags.c.tag_id == tag_id))


def _live_questions() -> int:
    return counts_cache.get(("questions", False, None, None, None, None), lambda: db.session.scalar(
        select(func.count(Question.id)).where(visibility.public_questions())) or 0)


def list_questions(sort: str = "newest", *, product: str | None = None, tag: str | None = None,
                   author_id: int | None = None, language: str | None = None, page: int = 1,
                   per_page: int = 20) -> Page:
    """One page of live questions, sorted one of SORTS, optionally per product, tag, author or language."""
    if sort not in SORTS:
        raise ValidationFailed(_("sort must be one of %(choices)s.",
                                 choices=', '.join(SORTS)), fields={"sort": _("Unknown sort.")})
    if language and language not in Language._value2member_map_:
        message = _("Unknown language: use one of %(codes)s.", codes=", ".join(code.value for code in Language))
        raise ValidationFailed(message, fields={"lang": message})
    where = [visibility.public_questions()]
    if language:
        where.append(Question.language == language)
    if product:
        product_id = db.session.scalar(select(Product.id).where(Product.slug == product))
        if product_id is None:
            raise NotFound(_("No product “%(product)s”.", product=product[:60]))
        where.append(Question.product_id == product_id)
    if tag:
        tag_id = db.session.scalar(select(func.coalesce(Tag.synonym_of_id, Tag.id)).where(Tag.name == tag))
        if tag_id is None:
            raise NotFound(_("No tag “%(tag)s”.", tag=tag[:60]))
        tag_clause = len(where)
        where.append(_tagged(tag_id))
    if author_id is not None:
        where.append(Question.author_id == author_id)
    if sort == "unanswered":
        where.append(_unanswered())
    if sort == "waiting":  # still waiting for a first response, oldest wait first
        from forum.services.care.first_response import waiting_clause

        where += [waiting_clause(), Question.closed_at.is_(None)]
    order = {
        "newest": [Question.created_at.desc(), Question.id.desc()],
        "active": [Question.last_activity_at.desc(), Question.id.desc()],
        "top": [Question.score.desc(), Question.id.desc()],
        "unanswered": [Question.created_at.desc(), Question.id.desc()],
        "waiting": [Question.created_at, Question.id],
    }[sort]
    key = ("questions", {"unanswered": True, "waiting": "waiting"}.get(sort, False), product, tag, author_id,
           language or None)
    total = counts_cache.get(key, lambda: db.session.scalar(select(func.count(Question.id)).where(*where)) or 0)
    if tag and total >= POPULAR_TAG_SHARE * _live_questions():
        where[tag_clause] = exists().where(
            question_tags.c.question_id == Question.id, question_tags.c.tag_id == tag_id)
    items = list(db.session.scalars(
        select(Question).where(*where).order_by(*order).limit(per_page).offset((page - 1) * per_page)
        .options(joinedload(Question.author), joinedload(Question.product), selectinload(Question.tags),
                 joinedload(Question.last_activity_by))
    ))
    return Page(items, page, per_page, total)


def load_thread(question_id: int, viewer: User | None) -> Thread:
    """A question with its answers (accepted first, then score, then oldest) and all comments.

    Costs the same handful of queries whatever the number of answers or comments.
    """
    question = db.session.scalar(
        select(Question).where(Question.id == question_id)
        .options(joinedload(Question.author), joinedload(Question.product).joinedload(Product.care),
                 selectinload(Question.tags))
    )
    if question is None or not visibility.can_see(viewer, question):
        if question is not None and not question.is_deleted:
            raise NotFound(_("That question is hidden until a moderator reviews it."))
        raise NotFound(_("That question doesn't exist or has been deleted."))
    answer_filter = [Answer.question_id == question.id, visibility.answer_clause(viewer, with_question=False)]
    comment_filter = [Comment.question_id == question.id, visibility.comment_clause(viewer)]
    accepted_first = case((Answer.id == question.accepted_answer_id, 0), else_=1)
    answers = list(db.session.scalars(
        select(Answer).where(*answer_filter).options(joinedload(Answer.author))
        .order_by(accepted_first, Answer.score.desc(), Answer.created_at, Answer.id)
    ))
    for answer in answers:  # each answer's thread is this question: no identity-map lookup per answer later
        set_committed_value(answer, "question", question)
    thread = Thread(question, answers)
    for comment in db.session.scalars(
        select(Comment).where(*comment_filter)
        .options(joinedload(Comment.author)).order_by(Comment.created_at, Comment.id)
    ):
        key = ("answer", comment.answer_id) if comment.answer_id else ("question", question.id)
        thread.comments.setdefault(key, []).append(comment)
    thread.my_votes = votes_of(viewer, question_ids=[question.id], answer_ids=[a.id for a in answers])
    _attach_support(thread)
    return thread


def _attach_support(thread: Thread) -> None:
    """The thread's latest support case with its public updates, and answers published as articles."""
    from forum.models import Article, Case, CaseUpdate

    question = thread.question
    thread.case = db.session.scalar(select(Case).where(Case.question_id == question.id)
                                    .order_by(Case.id.desc()).limit(1))
    if thread.case is not None:
        thread.staff_replies = list(db.session.scalars(
            select(CaseUpdate).where(CaseUpdate.case_id == thread.case.id, CaseUpdate.public.is_(True))
            .options(joinedload(CaseUpdate.author)).order_by(CaseUpdate.created_at, CaseUpdate.id)))
    thread.articles = {a.answer_id: a for a in db.session.scalars(
        select(Article).where(Article.question_id == question.id, visibility.public_articles()))}


def revisions(kind: str, post_id: int, viewer: User | None) -> tuple[object, list[Revision]]:
    """A post and its revisions, oldest first: only when the viewer may see the post itself."""
    if kind == "question":
        post = posts.get_question(post_id, viewer=viewer)
        column = Revision.question_id
    else:
        post = posts.get_answer(post_id, viewer=viewer)
        column = Revision.answer_id
    rows = list(db.session.scalars(
        select(Revision).where(column == post.id).options(joinedload(Revision.author)).order_by(Revision.number)
    ))
    return post, rows


def user_answers(user_id: int, *, page: int = 1, per_page: int = 20) -> Page:
    where = [Answer.author_id == user_id, visibility.public_answers()]
    total = db.session.scalar(select(func.count(Answer.id)).where(*where)) or 0
    items = list(db.session.scalars(
        select(Answer).where(*where).options(joinedload(Answer.question))
        .order_by(Answer.created_at.desc(), Answer.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ))
    return Page(items, page, per_page, total)


def user_counts(user_id: int) -> dict[str, int]:
    """The numbers beside a member's question and answer lists: counted with the lists' own rule."""
    questions = db.session.scalar(select(func.count(Question.id)).where(
        Question.author_id == user_id, visibility.public_questions())) or 0
    answers = db.session.scalar(select(func.count(Answer.id)).where(
        Answer.author_id == user_id, visibility.public_answers())) or 0
    return {"questions": questions, "answers": answers}


def products(*, include_archived: bool = False) -> list[tuple[Product, int]]:
    """The products with their numbers of live questions (counts from the count cache).

    Archived products are left out, except for the admin pages that keep them (`include_archived`).
    """
    counts = counts_cache.get("per-product", lambda: dict(db.session.execute(
        select(Question.product_id, func.count(Question.id))
        .where(visibility.public_questions()).group_by(Question.product_id)).all()))
    query = select(Product).order_by(Product.name)
    if not include_archived:
        query = query.where(Product.archived_at.is_(None))
    return [(p, counts.get(p.id, 0)) for p in db.session.scalars(query)]


def tags(*, page: int = 1, per_page: int = 60) -> Page:
    """Tags (not their synonyms) by number of live questions, most used first."""
    counts = (select(question_tags.c.tag_id, func.count().label("n"))
              .join(Question, Question.id == question_tags.c.question_id)
              .where(visibility.public_questions()).group_by(question_tags.c.tag_id).subquery())
    total = db.session.scalar(select(func.count(Tag.id)).where(Tag.synonym_of_id.is_(None))) or 0
    rows = db.session.execute(
        select(Tag, func.coalesce(counts.c.n, 0).label("n")).outerjoin(counts, counts.c.tag_id == Tag.id)
        .where(Tag.synonym_of_id.is_(None))
        .order_by(func.coalesce(counts.c.n, 0).desc(), Tag.name).limit(per_page).offset((page - 1) * per_page)
    )
    return Page([(t, n) for t, n in rows], page, per_page, total)


def get_tag(name: str) -> Tag:
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        raise NotFound(_("No such tag."))
    return tag


def get_product(slug: str) -> Product:
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        raise NotFound(_("No such product."))
    return product


def users(*, page: int = 1, per_page: int = 36) -> Page:
    total = db.session.scalar(select(func.count(User.id)).where(visibility.member_clause())) or 0
    items = list(db.session.scalars(
        select(User).where(visibility.member_clause()).order_by(User.reputation.desc(), User.id)
        .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)
