"""The community health console's figures: one function computes each table, every surface calls it.

The console page, its charts, the CSV export and `GET /api/v1/insights` all call `report()`,
so they show the same numbers. Every figure is aggregated in SQL (counts, sums and the ranks
percentiles need), one grouped query per figure family and period, never row by row: the
number of queries does not grow with the community.

Periods are half-open [start, end) in UTC; the weekly trend splits a period into 7-day
buckets counted from its start (the last one may be shorter). Percentiles interpolate
linearly between the two nearest ranks (PostgreSQL's `percentile_cont`, numpy's default):
for n sorted values the p-th is at rank (n − 1)·p, counted from 0. The ranks come from the
database on SQLite and PostgreSQL alike, so both report exactly the same values.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from fractions import Fraction
from math import ceil

from sqlalchemy import Integer, and_, case, cast, extract, func, literal, literal_column, or_, select
from sqlalchemy.sql import ColumnElement, Select

from forum.extensions import db
from forum.models import (
    Answer,
    Article,
    Case,
    CaseStatus,
    CaseSurvey,
    Flag,
    FlagStatus,
    HelpfulVote,
    Product,
    Question,
    ReviewItem,
    Tag,
    User,
    article_tags,
    question_tags,
    utcnow,
)
from forum.policy import roles
from forum.services.care import first_response
from forum.services.errors import NotFound, ValidationFailed

PERIODS = (7, 30, 90)
MAX_DAYS = 366
WEEK = 7 * 86400
DAY = 86400
MEDIAN, P90 = Fraction(1, 2), Fraction(9, 10)
BUCKET = literal_column("bucket")


# --- scope: what the figures are about ---------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """A period, optionally one product and one tag."""

    start: datetime
    end: datetime
    product_id: int | None = None
    tag_id: int | None = None
    product: str | None = None
    tag: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def weeks(self) -> int:
        return max(1, ceil(self.days / 7))

    def previous(self) -> "Scope":
        """The period of the same length just before this one."""
        return replace(self, start=self.start - (self.end - self.start), end=self.start)

    def week_starts(self) -> list[date]:
        return [(self.start + timedelta(days=7 * i)).date() for i in range(self.weeks)]


def _parse_day(raw: str, name: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("Dates look like 2026-11-30.", fields={name: "Use YYYY-MM-DD."}) from None


def scope_from(args: dict, *, today: date | None = None) -> Scope:
    """The scope a request names: ?period=7|30|90 (days up to today) or ?from=&to= (inclusive days),
    ?product=<slug>, ?tag=<name>. Raises ValidationFailed / NotFound with a clear message."""
    today = today or utcnow().date()
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if raw_from or raw_to:
        first = _parse_day(raw_from, "from") if raw_from else None
        last = _parse_day(raw_to, "to") if raw_to else today
        if first is None:
            raise ValidationFailed("Give both dates.", fields={"from": "Use YYYY-MM-DD."})
        if last < first:
            raise ValidationFailed("The period ends before it starts.", fields={"to": "On or after “from”."})
        if (last - first).days + 1 > MAX_DAYS:
            raise ValidationFailed("That period is too long.", fields={"from": f"At most {MAX_DAYS} days."})
    else:
        raw_period = str(args.get("period") or "30")
        if not raw_period.isdigit() or int(raw_period) not in PERIODS:
            raise ValidationFailed("Choose the last 7, 30 or 90 days.", fields={"period": "Use 7, 30 or 90."})
        last = today
        first = today - timedelta(days=int(raw_period) - 1)
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    product_id = tag_id = None
    product, tag = (args.get("product") or "").strip() or None, (args.get("tag") or "").strip() or None
    if product:
        product_id = db.session.scalar(select(Product.id).where(Product.slug == product))
        if product_id is None:
            raise NotFound(f"No product “{product[:40]}”.")
    if tag:
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == tag))
        if tag_id is None:
            raise NotFound(f"No tag “{tag[:40]}”.")
    return Scope(start, end, product_id, tag_id, product, tag)


# --- figures -----------------------------------------------------------------------------------

@dataclass
class Figure:
    """One number for the period, the same for the previous period, and one per week.

    `unit` says how to show it: "seconds" (a duration), "share" (0–1), "count", "rating" (1–5).
    """

    key: str
    label: str
    unit: str
    value: float | int | None
    previous: float | int | None
    weekly: list[float | int | None]
    definition: str


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]
    extra: dict = field(default_factory=dict)


@dataclass
class Report:
    scope: Scope
    sections: list[Section]

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for fig in section.figures:
                if fig.key == key:
                    return fig
        raise KeyError(key)


# --- SQL helpers -------------------------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def seconds_between(earlier: ColumnElement, later: ColumnElement) -> ColumnElement:
    """Whole seconds from `earlier` to `later` (naive UTC timestamps), on SQLite and PostgreSQL."""
    if _dialect() == "postgresql":
        return cast(func.round(extract("epoch", later - earlier)), Integer)
    return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0), Integer)


def _bucket(column: ColumnElement, scope: Scope) -> ColumnElement:
    """The 7-day bucket (0, 1, …) of the period that `column` falls in (integer division: never negative)."""
    return seconds_between(literal(scope.start), column) // WEEK


def _in(column: ColumnElement, scope: Scope) -> ColumnElement:
    return and_(column >= scope.start, column < scope.end)


def _question_scope(scope: Scope, question=Question) -> list[ColumnElement]:
    where = [question.deleted_at.is_(None)]
    if scope.product_id is not None:
        where.append(question.product_id == scope.product_id)
    if scope.tag_id is not None:
        where.append(question.id.in_(select(question_tags.c.question_id).where(question_tags.c.tag_id == scope.tag_id)))
    return where


def first_responses(question_ids: Select):
    """Every figure's first responses (question_id, responded_at, responder_id), by the one
    definition in forum/services/care/first_response.py."""
    return first_response.first_response_rows(question_ids)


@dataclass(frozen=True)
class Spread:
    median: float | None
    p90: float | None
    n: int


def _interpolate(ranked: dict[int, float], n: int, p: Fraction) -> float | None:
    if n == 0:
        return None
    position = (n - 1) * p
    low = position.numerator // position.denominator
    frac = position - low
    value = Fraction(ranked[low + 1])
    if frac:
        value += frac * (Fraction(ranked[low + 2]) - value)
    return float(value)


def spreads(values: Select) -> dict[int, Spread]:
    """Median and p90 of `values` (columns: bucket, x) per bucket, in one query of at most 4 rows a bucket."""
    sub = values.subquery()
    inner = select(sub.c.bucket, sub.c.x,
                   func.row_number().over(partition_by=sub.c.bucket, order_by=sub.c.x).label("rn"),
                   func.count().over(partition_by=sub.c.bucket).label("n")).subquery()
    wanted = []
    for p in (MEDIAN, P90):
        low = (inner.c.n - 1) * p.numerator // p.denominator + 1
        wanted += [inner.c.rn == low, inner.c.rn == low + 1]
    rows = db.session.execute(select(inner.c.bucket, inner.c.n, inner.c.rn, inner.c.x).where(or_(*wanted)))
    found: dict[int, tuple[int, dict[int, float]]] = {}
    for bucket, n, rn, x in rows:
        found.setdefault(int(bucket), (int(n), {}))[1][int(rn)] = x
    return {bucket: Spread(_interpolate(ranked, n, MEDIAN), _interpolate(ranked, n, P90), n)
            for bucket, (n, ranked) in found.items()}


def _weekly_spread(scope: Scope, build: Callable[[Scope, ColumnElement | None], Select]) -> tuple[Spread, list[Spread]]:
    """The whole period's spread and one per week, from the same value query."""
    total = spreads(build(scope, None)).get(-1, Spread(None, None, 0))
    weekly = spreads(build(scope, _bucket))
    return total, [weekly.get(i, Spread(None, None, 0)) for i in range(scope.weeks)]


def _ratio(numerator: float | int | None, denominator: float | int | None) -> float | None:
    return None if not denominator else numerator / denominator


def _grouped(scope: Scope, query: Callable[[Scope, ColumnElement], Select]) -> tuple[dict, list[dict]]:
    """Run a query of named sums grouped by week; returns the period's totals and per-week rows."""
    # int(): PostgreSQL sums bigints as numeric, and a Decimal must not leak into JSON or ratios.
    rows = {int(r.bucket): {k: int(v or 0) for k, v in r._asdict().items()}
            for r in db.session.execute(query(scope, _bucket))}
    names = [c for c in next(iter(rows.values())) if c != "bucket"] if rows else []
    weekly = [rows.get(i, {}) for i in range(scope.weeks)]
    totals = {name: sum((r.get(name) or 0) for r in rows.values()) for name in names}
    return totals, weekly


def _sum(condition: ColumnElement) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _bucketed(scope: Scope, column: ColumnElement, bucket: Callable | None) -> ColumnElement:
    return bucket(column, scope).label("bucket") if bucket is not None else literal(-1).label("bucket")


# --- the sections ------------------------------------------------------------------------------

def _scoped_questions(scope: Scope) -> Select:
    return select(Question.id).where(_in(Question.created_at, scope), *_question_scope(scope))


def _response_values(scope: Scope, bucket) -> Select:
    fr = first_responses(_scoped_questions(scope))
    return (select(_bucketed(scope, Question.created_at, bucket),
                   seconds_between(Question.created_at, fr.c.responded_at).label("x"))
            .select_from(Question).join(fr, fr.c.question_id == Question.id))


def _question_counts(scope: Scope, bucket) -> Select:
    fr = first_responses(_scoped_questions(scope))
    within = {}
    for days in (7, 30):
        accepted_in_time = select(Answer.id).where(
            Answer.id == Question.accepted_answer_id,
            seconds_between(Question.created_at, Answer.created_at) <= days * DAY).exists()
        case_in_time = select(Case.id).where(
            Case.question_id == Question.id, Case.resolved_at.is_not(None), Case.status == CaseStatus.CLOSED.value,
            seconds_between(Question.created_at, Case.closed_at) <= days * DAY).exists()
        within[days] = _sum(or_(accepted_in_time, case_in_time)).label(f"solved_{days}")
    escalated = select(Case.id).where(Case.question_id == Question.id).exists()
    staff_responder = select(User.id).where(User.id == fr.c.responder_id, roles.role_clause(roles.STAFF)).exists()
    return (select(_bucketed(scope, Question.created_at, bucket), func.count(Question.id).label("asked"),
                   _sum(fr.c.question_id.is_not(None)).label("responded"),
                   _sum(and_(fr.c.question_id.is_not(None), staff_responder)).label("staff_first"),
                   _sum(and_(Question.answer_count == 0, Question.solved_by_support_at.is_(None))).label("unanswered"),
                   within[7], within[30],
                   _sum(escalated).label("escalated"))
            .select_from(Question).outerjoin(fr, fr.c.question_id == Question.id)
            .where(_in(Question.created_at, scope), *_question_scope(scope))
            .group_by(BUCKET))


def _rate_figure(key: str, label: str, num: str, den: str, now: tuple, before: dict, definition: str) -> Figure:
    totals, weekly = now
    return Figure(key, label, "share", _ratio(totals.get(num), totals.get(den)),
                  _ratio(before.get(num), before.get(den)),
                  [_ratio(w.get(num), w.get(den)) for w in weekly], definition)


def _spread_figures(prefix: str, label: str, now: tuple[Spread, list[Spread]], before: Spread,
                    definition: str) -> list[Figure]:
    total, weekly = now
    return [Figure(f"{prefix}_median", f"{label}, median", "seconds", total.median, before.median,
                   [w.median for w in weekly], definition),
            Figure(f"{prefix}_p90", f"{label}, 90th percentile", "seconds", total.p90, before.p90,
                   [w.p90 for w in weekly], definition)]


def responsiveness(scope: Scope) -> Section:
    """Time to first response, unanswered, solved and escalation rates of the questions asked in the period."""
    now = _weekly_spread(scope, _response_values)
    before = spreads(_response_values(scope.previous(), None)).get(-1, Spread(None, None, 0))
    counts = _grouped(scope, _question_counts)
    prev = _grouped(scope.previous(), _question_counts)[0]
    asked = counts[0].get("asked", 0)
    figures = [
        Figure("questions_asked", "Questions asked", "count", asked, prev.get("asked", 0),
               [w.get("asked", 0) for w in counts[1]], "Questions asked in the period (deleted ones left out)."),
        *_spread_figures("first_response", "Time to first response", now, before,
                         "From asking to the first response: the first answer by someone other than the asker "
                         "(deleted and hidden answers don't count) or the first public support update on its "
                         "case, whichever came first; over the questions asked in the period that have one."),
    ]
    totals, weekly = counts
    figures.append(Figure(
        "without_first_response", "Still without a first response", "share",
        _ratio(totals.get("asked", 0) - totals.get("responded", 0), totals.get("asked")),
        _ratio(prev.get("asked", 0) - prev.get("responded", 0), prev.get("asked")),
        [_ratio(w.get("asked", 0) - w.get("responded", 0), w.get("asked")) for w in weekly],
        "Share of the questions asked in the period that have no first response yet."))
    figures += [
        _rate_figure("solved_7d", "Solved within 7 days", "solved_7", "asked", counts, prev,
                     "Share of the questions asked in the period whose accepted answer was posted within 7 days "
                     "of asking, or whose support case was resolved and closed within 7 days."),
        _rate_figure("solved_30d", "Solved within 30 days", "solved_30", "asked", counts, prev,
                     "As “solved within 7 days”, within 30 days of asking."),
        _rate_figure("unanswered", "Unanswered", "unanswered", "asked", counts, prev,
                     "Share of the questions asked in the period that have no answer at all and weren't "
                     "solved by support."),
        _rate_figure("escalated", "Escalated to support", "escalated", "asked", counts, prev,
                     "Share of the questions asked in the period that became a support case."),
        _rate_figure("staff_first_responses", "First responses by staff", "staff_first", "responded", counts, prev,
                     "Of the questions asked in the period that have a first response, the share whose first "
                     "response came from an agent, moderator or admin (the rest: community members)."),
    ]
    return Section("responsiveness", "Responses and solutions", figures)


def _case_scope(scope: Scope) -> list[ColumnElement]:
    where = []
    if scope.product_id is not None:
        where.append(Case.product_id == scope.product_id)
    if scope.tag_id is not None:
        where.append(Case.question_id.in_(select(question_tags.c.question_id)
                                          .where(question_tags.c.tag_id == scope.tag_id)))
    return where


def _resolution_values(scope: Scope, bucket) -> Select:
    return (select(_bucketed(scope, Case.created_at, bucket),
                   seconds_between(Case.created_at, Case.resolved_at).label("x"))
            .where(_in(Case.created_at, scope), Case.resolved_at.is_not(None), *_case_scope(scope)))


def _case_counts(scope: Scope, bucket) -> Select:
    return (select(_bucketed(scope, Case.created_at, bucket), func.count(Case.id).label("opened"),
                   _sum(Case.resolved_at.is_not(None)).label("resolved"),
                   _sum(and_(Case.resolved_at.is_not(None), Case.resolved_at <= Case.sla_due_at)).label("in_sla"))
            .where(_in(Case.created_at, scope), *_case_scope(scope)).group_by(BUCKET))


def support(scope: Scope) -> Section:
    """Cases opened in the period: how long they took to resolve and whether within their SLA."""
    now = _weekly_spread(scope, _resolution_values)
    before = spreads(_resolution_values(scope.previous(), None)).get(-1, Spread(None, None, 0))
    counts, prev = _grouped(scope, _case_counts), _grouped(scope.previous(), _case_counts)[0]
    figures = [
        Figure("cases_opened", "Cases opened", "count", counts[0].get("opened", 0), prev.get("opened", 0),
               [w.get("opened", 0) for w in counts[1]], "Support cases opened in the period."),
        *_spread_figures("resolution", "Case resolution time", now, before,
                         "From opening a case to its (latest) resolution, over the cases opened in the period "
                         "that are resolved."),
        _rate_figure("resolved_in_sla", "Resolved within the SLA", "in_sla", "resolved", counts, prev,
                     "Of the cases opened in the period and resolved, the share resolved by their SLA deadline."),
    ]
    return Section("support", "Support cases", figures)


def _survey_scope(scope: Scope) -> list[ColumnElement]:
    where = []
    if scope.product_id is not None:
        where.append(CaseSurvey.product_id == scope.product_id)
    if scope.tag_id is not None:
        where.append(CaseSurvey.case_id.in_(select(Case.id).join(question_tags, question_tags.c.question_id
                                                                 == Case.question_id)
                                            .where(question_tags.c.tag_id == scope.tag_id)))
    return where


def _survey_counts(scope: Scope, bucket) -> Select:
    columns = [func.count(CaseSurvey.id).label("sent"), _sum(CaseSurvey.rating.is_not(None)).label("rated"),
               func.coalesce(func.sum(CaseSurvey.rating), 0).label("rating_sum")]
    columns += [_sum(CaseSurvey.rating == r).label(f"rating_{r}") for r in range(1, 6)]
    return (select(_bucketed(scope, CaseSurvey.sent_at, bucket), *columns)
            .where(_in(CaseSurvey.sent_at, scope), *_survey_scope(scope)).group_by(BUCKET))


def _helpful_counts(scope: Scope, bucket) -> Select:
    answer_scope = select(Answer.id).join(Question, Question.id == Answer.question_id).where(*_question_scope(scope))
    article_scope = select(Article.id)
    if scope.product_id is not None:
        article_scope = article_scope.where(Article.product_id == scope.product_id)
    if scope.tag_id is not None:
        article_scope = article_scope.where(Article.id.in_(select(article_tags.c.article_id)
                                                           .where(article_tags.c.tag_id == scope.tag_id)))
    on_answer = HelpfulVote.answer_id.in_(answer_scope)
    on_article = HelpfulVote.article_id.in_(article_scope)
    return (select(_bucketed(scope, HelpfulVote.updated_at, bucket),
                   _sum(on_answer).label("answer_votes"),
                   _sum(and_(on_answer, HelpfulVote.helpful)).label("answer_yes"),
                   _sum(on_article).label("article_votes"),
                   _sum(and_(on_article, HelpfulVote.helpful)).label("article_yes"))
            .where(_in(HelpfulVote.updated_at, scope), or_(on_answer, on_article)).group_by(BUCKET))


def satisfaction(scope: Scope) -> Section:
    """CSAT of the surveys sent in the period, and “did this help?” answers given in the period."""
    surveys, prev = _grouped(scope, _survey_counts), _grouped(scope.previous(), _survey_counts)[0]
    helpful, prev_helpful = _grouped(scope, _helpful_counts), _grouped(scope.previous(), _helpful_counts)[0]
    totals = surveys[0]
    distribution = {r: totals.get(f"rating_{r}", 0) for r in range(1, 6)}
    figures = [
        _rate_figure("csat_average", "CSAT, average rating", "rating_sum", "rated", surveys, prev,
                     "Average of the 1–5 ratings given to the surveys sent in the period (cases resolved then)."),
        _rate_figure("csat_response_rate", "CSAT response rate", "rated", "sent", surveys, prev,
                     "Share of the surveys sent in the period that the asker answered."),
        _rate_figure("helpful_answers", "“Did this help?”: yes for accepted answers", "answer_yes", "answer_votes",
                     helpful, prev_helpful, "Share of yes among the answers given (or last changed) in the period "
                                            "to “Did this help?” on accepted answers."),
        _rate_figure("helpful_articles", "“Did this help?”: yes for articles", "article_yes", "article_votes",
                     helpful, prev_helpful, "Share of yes among the answers given (or last changed) in the period "
                                            "to “Did this help?” on knowledge articles."),
    ]
    figures[0].unit = "rating"
    return Section("satisfaction", "Satisfaction", figures, extra={"distribution": distribution})


def _contributor_counts(scope: Scope, bucket) -> Select:
    """Members active (asked or answered) per week, and members who joined."""
    asked = select(Question.author_id.label("user_id"), Question.created_at.label("at")).where(
        _in(Question.created_at, scope), *_question_scope(scope))
    answered = (select(Answer.author_id.label("user_id"), Answer.created_at.label("at"))
                .join(Question, Question.id == Answer.question_id)
                .where(_in(Answer.created_at, scope), Answer.deleted_at.is_(None), *_question_scope(scope)))
    activity = asked.union_all(answered).subquery()
    per_member = (select(activity.c.user_id, _bucketed(scope, activity.c.at, bucket))
                  .group_by(activity.c.user_id, BUCKET).subquery())
    return (select(per_member.c.bucket, func.count().label("active"),
                   _sum(_in(User.created_at, scope)).label("new"))
            .join(User, User.id == per_member.c.user_id).group_by(per_member.c.bucket))


def _top_share(scope: Scope) -> tuple[float | None, int]:
    """Share of the accepted answers (on questions asked in the period) written by the 10 most accepted authors."""
    per_author = (select(Answer.author_id, func.count().label("n"))
                  .join(Question, Question.accepted_answer_id == Answer.id)
                  .where(_in(Question.created_at, scope), *_question_scope(scope))
                  .group_by(Answer.author_id).subquery())
    top = select(per_author.c.n).order_by(per_author.c.n.desc()).limit(10).subquery()
    total, top_sum = db.session.execute(select(select(func.coalesce(func.sum(per_author.c.n), 0)).scalar_subquery(),
                                               select(func.coalesce(func.sum(top.c.n), 0)).scalar_subquery())).one()
    return _ratio(int(top_sum), int(total)), int(total)


def contributors(scope: Scope) -> Section:
    """Who does the answering: active and new members, and how concentrated accepted answers are."""
    weekly_rows = {int(r.bucket): r for r in db.session.execute(_contributor_counts(scope, _bucket))}
    period = db.session.execute(_contributor_counts(scope, None)).first()
    before = db.session.execute(_contributor_counts(scope.previous(), None)).first()
    share, accepted = _top_share(scope)
    prev_share, _ = _top_share(scope.previous())
    figures = [
        Figure("active_members", "Active members", "count", period.active if period else 0,
               before.active if before else 0,
               [weekly_rows[i].active if i in weekly_rows else 0 for i in range(scope.weeks)],
               "Members who asked or answered in the period (in the chosen product or tag)."),
        Figure("new_members", "New members", "count", period.new if period else 0, before.new if before else 0,
               [weekly_rows[i].new if i in weekly_rows else 0 for i in range(scope.weeks)],
               "Active members whose account was created in the period (each week: those active that week)."),
        Figure("top10_accepted_share", "Accepted answers by the top 10 contributors", "share", share, prev_share,
               [], f"Of the {accepted} accepted answers on questions asked in the period, the share written by "
                   "the 10 members with the most of them. High means the community leans on a few people."),
    ]
    return Section("contributors", "Contributors", figures)


def _flag_scope(scope: Scope) -> list[ColumnElement]:
    if scope.product_id is None and scope.tag_id is None:
        return []
    questions = select(Question.id).where(*_question_scope(scope))
    answers = select(Answer.id).where(Answer.question_id.in_(questions))
    return [or_(Flag.question_id.in_(questions), Flag.answer_id.in_(answers))]


def _flag_values(scope: Scope, bucket) -> Select:
    return (select(_bucketed(scope, ReviewItem.handled_at, bucket),
                   seconds_between(Flag.created_at, ReviewItem.handled_at).label("x"))
            .select_from(Flag).join(ReviewItem, ReviewItem.id == Flag.review_item_id)
            .where(Flag.status != FlagStatus.PENDING.value, ReviewItem.handled_at.is_not(None),
                   _in(ReviewItem.handled_at, scope), *_flag_scope(scope)))


def moderation(scope: Scope) -> Section:
    """Flags handled in the period, how fast, and what waits in the review queue now."""
    total, weekly = _weekly_spread(scope, _flag_values)
    before = spreads(_flag_values(scope.previous(), None)).get(-1, Spread(None, None, 0))
    backlog_where = [ReviewItem.handled_at.is_(None)]
    if scope.product_id is not None or scope.tag_id is not None:
        backlog_where.append(ReviewItem.question_id.in_(select(Question.id).where(*_question_scope(scope))))
    backlog = db.session.scalar(select(func.count(ReviewItem.id)).where(*backlog_where)) or 0
    figures = [
        Figure("flags_handled", "Flags handled", "count", total.n, before.n, [w.n for w in weekly],
               "Flags a moderator decided (helpful or declined) in the period."),
        Figure("flag_handling_median", "Time to handle a flag, median", "seconds", total.median, before.median,
               [w.median for w in weekly], "From a flag being raised to a moderator handling its review item, "
                                           "over the flags handled in the period."),
        Figure("review_backlog", "Review queue backlog (now)", "count", backlog, None, [],
               "Review items waiting for a moderator right now (not tied to the period)."),
    ]
    return Section("moderation", "Moderation", figures)


SECTIONS: tuple[Callable[[Scope], Section], ...] = (responsiveness, support, satisfaction, contributors, moderation)


def report(scope: Scope) -> Report:
    """Every table of the console for one scope (what the page, the CSV and the API show)."""
    return Report(scope, [section(scope) for section in SECTIONS])
