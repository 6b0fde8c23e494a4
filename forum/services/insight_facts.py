"""The health console's daily facts: what each UTC day added, per product, live or from its rollup.

Every figure of the console that can be added up day by day (counts, sums, and the durations its
medians and 90th percentiles are taken over) is built from `Facts` per day. They come from one of
two places, and the figures are computed from them the same way whichever it was:

- **live**: a fixed set of grouped SQL queries over a range of days (by product and day);
- **rolled up**: the `insight_rollups` rows `rollup_day()` wrote for a full day, which are exactly
  the live facts of that day at the time it ran. Re-running a day replaces its rows.

`facts_by_day()` reads rollups for the full days that have a current one and asks the live
queries only for the rest (today, and days never rolled up). A tag filter is always live: rollups
are per product, not per tag. Each fact is attributed to the day of the event a figure counts
from: a question's asking, a case's opening, a survey's sending, a vote's last change, a flag's
handling. Facts about a past day can still change (a late first answer, a later accept), so the
beat task re-rolls the last `INSIGHTS_ROLLUP_DAYS` days every night.

Rollups hold sums and durations only, never member ids. The contributors figures need distinct
members, which can't be added up from daily sums, so each day's facts also carry who was active
(the members with a live question or answer that day, their accounts not deleted) and the author
of each accepted answer on the day's questions; `rollup_day()` keeps those in `insight_member_days`
(packed ids, see `pack()`), and an account's deletion takes its id out of them (`forget_member()`).
"""

import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import (
    Integer,
    LargeBinary,
    and_,
    bindparam,
    case,
    cast,
    delete,
    extract,
    func,
    literal,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
    InsightMemberDay,
    InsightRollup,
    InsightRollupDay,
    ProductCare,
    Question,
    ReviewItem,
    SelfServiceEvent,
    User,
    article_tags,
    question_tags,
    utcnow,
)
from forum.policy import roles, visibility
from forum.services import self_service
from forum.services.care import first_response, hours, targets
from forum.services.errors import ValidationFailed
from forum.services.events import Event, subscribe
from forum.services.privacy import export_section

# Bump when a fact is added or its meaning changes: older rollups are then read live until re-rolled.
VERSION = 3
DAY = 86400
ONE_DAY = timedelta(days=1)


@dataclass
class Facts:
    """Sums (`counts`) and durations in whole seconds (`durations`) of one day, or of several added up,
    and the member ids the contributors figures count: `active` (a member may repeat when days or
    products were added up) and `accepted` (one entry per accepted answer: its author's id, 0 for a
    deleted account)."""

    counts: Counter = field(default_factory=Counter)
    durations: dict[str, list[int]] = field(default_factory=dict)
    active: list[int] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)

    def add(self, other: "Facts") -> None:
        self.counts.update(other.counts)
        for name, values in other.durations.items():
            self.durations.setdefault(name, []).extend(values)
        self.active.extend(other.active)
        self.accepted.extend(other.accepted)


def pack(ids: Iterable[int]) -> bytes:
    """Member ids as 4-byte little-endian integers, in the order given (what `insight_member_days` holds)."""
    packed = array("i", ids)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack(data: bytes | None) -> Sequence[int]:
    """The ids `pack()` wrote."""
    ids = array("i")
    ids.frombytes(data or b"")
    if sys.byteorder == "big":
        ids.byteswap()
    return ids


@dataclass(frozen=True)
class Filter:
    """Which questions, cases, surveys, votes and flags the facts are about (None: all)."""

    product_id: int | None = None
    tag_id: int | None = None


# --- SQL helpers -------------------------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def seconds_between(earlier: ColumnElement, later: ColumnElement) -> ColumnElement:
    """Whole seconds from `earlier` to `later` (naive UTC timestamps), on SQLite and PostgreSQL."""
    if _dialect() == "postgresql":
        return cast(func.round(extract("epoch", later - earlier)), Integer)
    return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0), Integer)


def _day_of(column: ColumnElement, first: date) -> ColumnElement:
    """The day offset (0, 1, …) from `first` of a timestamp on or after it."""
    return (seconds_between(literal(datetime.combine(first, datetime.min.time())), column) // DAY).label("d")


def _in_days(column: ColumnElement, first: date, end: date) -> ColumnElement:
    return and_(column >= datetime.combine(first, datetime.min.time()),
                column < datetime.combine(end, datetime.min.time()))


def _sum(condition: ColumnElement) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _tagged(column: ColumnElement, tag_id: int) -> ColumnElement:
    return column.in_(select(question_tags.c.question_id).where(question_tags.c.tag_id == tag_id))


def _question_where(where: Filter, question=Question) -> list[ColumnElement]:
    clauses = [visibility.live(question)]
    if where.product_id is not None:
        clauses.append(question.product_id == where.product_id)
    if where.tag_id is not None:
        clauses.append(_tagged(question.id, where.tag_id))
    return clauses


# --- the live queries: each returns rows (product_id, d, …) ------------------------------------

def _questions(first: date, end: date, where: Filter) -> Select:
    return select(Question.id).where(_in_days(Question.created_at, first, end), *_question_where(where))


def _question_counts(first: date, end: date, where: Filter) -> Select:
    fr = first_response.first_response_rows(_questions(first, end, where))
    solved = {}
    for days in (7, 30):
        accepted_in_time = select(Answer.id).where(
            Answer.id == Question.accepted_answer_id,
            seconds_between(Question.created_at, Answer.created_at) <= days * DAY).exists()
        case_in_time = select(Case.id).where(
            Case.question_id == Question.id, Case.resolved_at.is_not(None), Case.status == CaseStatus.CLOSED.value,
            seconds_between(Question.created_at, Case.closed_at) <= days * DAY).exists()
        solved[days] = _sum(or_(accepted_in_time, case_in_time)).label(f"solved_{days}")
    escalated = select(Case.id).where(Case.question_id == Question.id).exists()
    staff_responder = select(User.id).where(User.id == fr.c.responder_id, roles.role_clause(roles.STAFF)).exists()
    day = _day_of(Question.created_at, first)
    return (select(Question.product_id, day, func.count(Question.id).label("asked"),
                   _sum(fr.c.question_id.is_not(None)).label("responded"),
                   _sum(and_(fr.c.question_id.is_not(None), staff_responder)).label("staff_first"),
                   _sum(Question.answer_count == 0).label("unanswered"), solved[7], solved[30],
                   _sum(escalated).label("escalated"))
            .select_from(Question).outerjoin(fr, fr.c.question_id == Question.id)
            .where(_in_days(Question.created_at, first, end), *_question_where(where))
            .group_by(Question.product_id, day))


def _response_durations(first: date, end: date, where: Filter) -> Select:
    fr = first_response.first_response_rows(_questions(first, end, where))
    return (select(Question.product_id, _day_of(Question.created_at, first),
                   seconds_between(Question.created_at, fr.c.responded_at).label("x"))
            .select_from(Question).join(fr, fr.c.question_id == Question.id))


def _case_where(where: Filter) -> list[ColumnElement]:
    clauses = []
    if where.product_id is not None:
        clauses.append(Case.product_id == where.product_id)
    if where.tag_id is not None:
        clauses.append(_tagged(Case.question_id, where.tag_id))
    return clauses


def _case_counts(first: date, end: date, where: Filter) -> Select:
    day = _day_of(Case.created_at, first)
    return (select(Case.product_id, day, func.count(Case.id).label("opened"),
                   _sum(Case.resolved_at.is_not(None)).label("resolved"),
                   _sum(and_(Case.resolved_at.is_not(None), Case.resolved_at <= Case.sla_due_at)).label("in_sla"))
            .where(_in_days(Case.created_at, first, end), *_case_where(where)).group_by(Case.product_id, day))


def _resolution_durations(first: date, end: date, where: Filter) -> Select:
    return (select(Case.product_id, _day_of(Case.created_at, first),
                   seconds_between(Case.created_at, Case.resolved_at).label("x"))
            .where(_in_days(Case.created_at, first, end), Case.resolved_at.is_not(None), *_case_where(where)))


def _survey_counts(first: date, end: date, where: Filter) -> Select:
    clauses = []
    if where.product_id is not None:
        clauses.append(CaseSurvey.product_id == where.product_id)
    if where.tag_id is not None:
        clauses.append(CaseSurvey.case_id.in_(select(Case.id).where(_tagged(Case.question_id, where.tag_id))))
    day = _day_of(CaseSurvey.sent_at, first)
    columns = [func.count(CaseSurvey.id).label("sent"), _sum(CaseSurvey.rating.is_not(None)).label("rated"),
               func.coalesce(func.sum(CaseSurvey.rating), 0).label("rating_sum")]
    columns += [_sum(CaseSurvey.rating == r).label(f"rating_{r}") for r in range(1, 6)]
    return (select(CaseSurvey.product_id, day, *columns)
            .where(_in_days(CaseSurvey.sent_at, first, end), *clauses).group_by(CaseSurvey.product_id, day))


def _answer_helpful_counts(first: date, end: date, where: Filter) -> Select:
    day = _day_of(HelpfulVote.updated_at, first)
    return (select(Question.product_id, day, func.count(HelpfulVote.id).label("answer_votes"),
                   _sum(HelpfulVote.helpful).label("answer_yes"))
            .join(Answer, Answer.id == HelpfulVote.answer_id).join(Question, Question.id == Answer.question_id)
            .where(_in_days(HelpfulVote.updated_at, first, end), *_question_where(where))
            .group_by(Question.product_id, day))


def _article_helpful_counts(first: date, end: date, where: Filter) -> Select:
    clauses = []
    if where.product_id is not None:
        clauses.append(Article.product_id == where.product_id)
    if where.tag_id is not None:
        clauses.append(Article.id.in_(select(article_tags.c.article_id).where(article_tags.c.tag_id == where.tag_id)))
    day = _day_of(HelpfulVote.updated_at, first)
    return (select(Article.product_id, day, func.count(HelpfulVote.id).label("article_votes"),
                   _sum(HelpfulVote.helpful).label("article_yes"))
            .join(Article, Article.id == HelpfulVote.article_id)
            .where(_in_days(HelpfulVote.updated_at, first, end), *clauses).group_by(Article.product_id, day))


def _flag_durations(first: date, end: date, where: Filter) -> Select:
    """Flags handled, by the product of the thread they were raised on (also when it was deleted since)."""
    clauses = []
    if where.product_id is not None:
        clauses.append(Question.product_id == where.product_id)
    if where.tag_id is not None:
        clauses.append(_tagged(Question.id, where.tag_id))
    return (select(Question.product_id, _day_of(ReviewItem.handled_at, first),
                   seconds_between(Flag.created_at, ReviewItem.handled_at).label("x"))
            .select_from(Flag).join(ReviewItem, ReviewItem.id == Flag.review_item_id)
            .join(Question, Question.id == ReviewItem.question_id)
            .where(Flag.status != FlagStatus.PENDING.value, ReviewItem.handled_at.is_not(None),
                   _in_days(ReviewItem.handled_at, first, end), *clauses))


def _escalation_counts(first: date, end: date, where: Filter) -> Select:
    """Questions escalated by a person (a moderator or agent) and automatically (the care run), by asking day."""
    manual = select(Case.id).where(Case.question_id == Question.id, Case.created_by_id.is_not(None)).exists()
    automatic = select(Case.id).where(Case.question_id == Question.id, Case.created_by_id.is_(None)).exists()
    day = _day_of(Question.created_at, first)
    return (select(Question.product_id, day, _sum(manual).label("escalated_manual"),
                   _sum(automatic).label("escalated_auto"))
            .where(_in_days(Question.created_at, first, end), *_question_where(where))
            .group_by(Question.product_id, day))


def _self_service_counts(first: date, end: date, where: Filter, now: datetime) -> Select | None:
    """Searches and suggestions of members that self-served or were followed by a question (not by tag)."""
    if where.tag_id is not None:
        return None
    clauses = [SelfServiceEvent.product_id.is_not(None)]
    if where.product_id is not None:
        clauses.append(SelfServiceEvent.product_id == where.product_id)
    day = _day_of(SelfServiceEvent.created_at, first)
    served = and_(SelfServiceEvent.opened_at.is_not(None), SelfServiceEvent.asked_at.is_(None),
                  SelfServiceEvent.created_at <= now - self_service.WINDOW)
    return (select(SelfServiceEvent.product_id, day, _sum(served).label("self_served"),
                   _sum(SelfServiceEvent.asked_at.is_not(None)).label("asked_anyway"),
                   _sum(or_(served, SelfServiceEvent.asked_at.is_not(None))).label("self_served_or_asked"))
            .where(_in_days(SelfServiceEvent.created_at, first, end), *clauses)
            .group_by(SelfServiceEvent.product_id, day))


def _active_members(first: date, end: date, where: Filter) -> Select:
    """Each member (account not deleted) with a live question, or a live answer on a live question,
    per product and day: the members the contributors figures count as active."""
    asked = (select(Question.product_id, _day_of(Question.created_at, first), Question.author_id.label("member_id"))
             .where(_in_days(Question.created_at, first, end), *_question_where(where)))
    answered = (select(Question.product_id, _day_of(Answer.created_at, first), Answer.author_id.label("member_id"))
                .join(Question, Question.id == Answer.question_id)
                .where(_in_days(Answer.created_at, first, end), visibility.live(Answer), *_question_where(where)))
    activity = union(asked, answered).subquery()  # UNION, not UNION ALL: each member once per product and day
    return (select(activity.c.product_id, activity.c.d, activity.c.member_id)
            .join(User, User.id == activity.c.member_id).where(visibility.member_clause()))


def _accepted_authors(first: date, end: date, where: Filter) -> Select:
    """The author of each accepted answer on the questions asked per product and day (0: a deleted account)."""
    author = case((visibility.member_clause(), Answer.author_id), else_=0)
    return (select(Question.product_id, _day_of(Question.created_at, first), author.label("member_id"))
            .select_from(Question).join(Answer, Answer.id == Question.accepted_answer_id)
            .join(User, User.id == Answer.author_id)
            .where(_in_days(Question.created_at, first, end), *_question_where(where)))


def _target_rows(first: date, end: date, where: Filter) -> Select:
    fr = first_response.first_response_rows(_questions(first, end, where))
    return (select(Question.product_id, _day_of(Question.created_at, first), Question.created_at, fr.c.responded_at)
            .select_from(Question).outerjoin(fr, fr.c.question_id == Question.id)
            .where(_in_days(Question.created_at, first, end), *_question_where(where),
                   Question.product_id.in_(select(ProductCare.product_id)
                                           .where(ProductCare.first_response_hours.is_not(None)))))


COUNT_QUERIES = (_question_counts, _escalation_counts, _case_counts, _survey_counts, _answer_helpful_counts,
                 _article_helpful_counts)
DURATION_QUERIES = {"first_response": _response_durations, "resolution": _resolution_durations,
                    "flag_handling": _flag_durations}
MEMBER_QUERIES = {"active": _active_members, "accepted": _accepted_authors}


def _within_target(first: date, end: date, where: Filter, now: datetime, facts) -> None:
    """Questions in products with a first-response target: decided (answered, or past the target time)
    and answered within it. The target time is business-hours arithmetic, so it is worked out here."""
    care = targets.all_targets()
    for product_id, offset, created, responded in db.session.execute(_target_rows(first, end, where)):
        target = care.get(product_id)
        if target is None or target.first_response is None:
            continue
        try:
            due = hours.add_business_time(target.hours, created, target.first_response)
        except hours.NoBusinessTime:
            continue
        if responded is None and due > now:
            continue
        counts = facts(product_id, offset).counts
        counts["target_decided"] += 1
        if responded is not None and responded <= due:
            counts["within_target"] += 1


def live_facts(first: date, end: date, where: Filter = Filter(), *,
               now: datetime | None = None) -> dict[tuple[int, date], Facts]:
    """The facts of the days [first, end) by (product id, day), from the live tables (a fixed number of queries).

    `now` decides what is over: a first-response target time passed, a self-service window closed.
    """
    now = now or utcnow()
    found: dict[tuple[int, date], Facts] = {}

    def facts(product_id: int, offset: int) -> Facts:
        return found.setdefault((product_id, first + timedelta(days=int(offset))), Facts())

    queries = [query(first, end, where) for query in COUNT_QUERIES]
    queries += [q for q in (_self_service_counts(first, end, where, now),) if q is not None]
    for query in queries:
        for row in db.session.execute(query):
            values = row._asdict()
            bucket = facts(values.pop("product_id"), values.pop("d"))
            # int(): PostgreSQL sums as numeric, and a Decimal must not reach JSON or the ratios.
            bucket.counts.update({k: int(v) for k, v in values.items() if v})
    for name, query in DURATION_QUERIES.items():
        for product_id, offset, seconds in db.session.execute(query(first, end, where)):
            facts(product_id, offset).durations.setdefault(name, []).append(int(seconds))
    for name, query in MEMBER_QUERIES.items():
        for product_id, offset, member_id in db.session.execute(query(first, end, where)):
            getattr(facts(product_id, offset), name).append(int(member_id))
    _within_target(first, end, where, now, facts)
    return found


# --- reading: rollups for full days, live for the rest -----------------------------------------

def rolled_days(first: date, end: date) -> set[date]:
    """The days in [first, end) with a rollup of the current version."""
    return set(db.session.scalars(select(InsightRollupDay.day).where(
        InsightRollupDay.day >= first, InsightRollupDay.day < end, InsightRollupDay.version == VERSION)))


@dataclass
class DayFacts:
    """The facts per day of a range, summed over the products in scope, and where they came from."""

    by_day: dict[date, Facts]
    rolled: set[date]
    live: set[date]


def facts_by_day(first: date, end: date, where: Filter = Filter(), *, today: date | None = None,
                 use_rollups: bool = True) -> DayFacts:
    """The facts of each day in [first, end): rollups where a full day has one, live queries for the rest."""
    today = today or utcnow().date()
    days = [first + timedelta(days=i) for i in range((end - first).days)]
    rolled = rolled_days(first, min(end, today)) if use_rollups and where.tag_id is None else set()
    by_day: dict[date, Facts] = {}
    if rolled:
        query = select(InsightRollup.day, InsightRollup.counts, InsightRollup.durations).where(
            InsightRollup.day.in_(sorted(rolled)))
        if where.product_id is not None:
            query = query.where(InsightRollup.product_id == where.product_id)
        for day, counts, durations in db.session.execute(query):
            day_facts = by_day.get(day) or by_day.setdefault(day, Facts())
            day_facts.counts.update(counts)
            for name, values in durations.items():
                day_facts.durations.setdefault(name, []).extend(values)
        members = select(InsightMemberDay.day, InsightMemberDay.active, InsightMemberDay.accepted).where(
            InsightMemberDay.day.in_(sorted(rolled)))
        if where.product_id is not None:
            members = members.where(InsightMemberDay.product_id == where.product_id)
        for day, active, accepted in db.session.execute(members):
            day_facts = by_day.setdefault(day, Facts())
            day_facts.active.extend(unpack(active))
            day_facts.accepted.extend(unpack(accepted))
    missing = [day for day in days if day not in rolled]
    if missing:
        for (_product, day), facts in live_facts(missing[0], missing[-1] + ONE_DAY, where).items():
            if day not in rolled:
                by_day.setdefault(day, Facts()).add(facts)
    return DayFacts(by_day, rolled, set(missing))


# --- writing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RollupResult:
    day: date
    products: int
    questions: int


def rollup_day(day: date, *, now: datetime | None = None) -> RollupResult:
    """Write the rollup of one full UTC day, replacing any earlier one of that day (flushes, no commit).

    Raises ValidationFailed for today or a later day: only a day that is over can be rolled up.
    Two runs for the same day at once end with one set of rows: the day's marker row is written
    first (an upsert), which makes the second wait for the first's commit on PostgreSQL.
    """
    today = (now or utcnow()).date()
    if day >= today:
        raise ValidationFailed(_("Only a day that is over can be rolled up."),
                               fields={"day": f"Before {today.isoformat()} (UTC)."})
    computed = now or utcnow()
    insert = (sqlite_insert if _dialect() == "sqlite" else postgresql_insert)(InsightRollupDay)
    db.session.execute(insert.values(day=day, version=VERSION, computed_at=computed).on_conflict_do_update(
        index_elements=["day"], set_={"version": VERSION, "computed_at": computed}))
    db.session.execute(delete(InsightRollup).where(InsightRollup.day == day))
    db.session.execute(delete(InsightMemberDay).where(InsightMemberDay.day == day))
    facts = live_facts(day, day + ONE_DAY, now=computed)
    rows = [{"day": day, "product_id": product_id, "counts": dict(f.counts),
             "durations": {k: sorted(v) for k, v in f.durations.items()}}
            for (product_id, _day), f in sorted(facts.items()) if f.counts or f.durations]
    if rows:
        db.session.execute(InsightRollup.__table__.insert(), rows)
    members = [{"day": day, "product_id": product_id, "active": pack(sorted(set(f.active))),
                "accepted": pack(sorted(f.accepted))}
               for (product_id, _day), f in sorted(facts.items()) if f.active or f.accepted]
    if members:
        db.session.execute(InsightMemberDay.__table__.insert(), members)
    db.session.flush()
    return RollupResult(day, len(rows), sum(f.counts["asked"] for f in facts.values()))


def _holds(column, needle: bytes) -> ColumnElement:
    """Whether the packed ids in `column` contain `needle`'s bytes anywhere (also off a 4-byte boundary,
    so a match is only a candidate: the caller checks the ids)."""
    if _dialect() == "postgresql":
        return text(f"position(:needle in {column.table.name}.{column.name}) > 0").bindparams(
            bindparam("needle", needle, type_=LargeBinary))
    return func.instr(column, literal(needle, LargeBinary)) > 0


def _member_days_of(user_id: int) -> list[tuple[InsightMemberDay, Sequence[int], Sequence[int]]]:
    """The member days that name `user_id`, with their unpacked active and accepted ids."""
    needle = pack([user_id])
    found = []
    for row in db.session.scalars(select(InsightMemberDay).where(
            or_(_holds(InsightMemberDay.active, needle), _holds(InsightMemberDay.accepted, needle)))
            .order_by(InsightMemberDay.day, InsightMemberDay.product_id)):
        active, accepted = unpack(row.active), unpack(row.accepted)
        if user_id in active or user_id in accepted:
            found.append((row, active, accepted))
    return found


def forget_member(user_id: int) -> int:
    """Take a deleted account out of the member days: off the active lists, its accepted answers
    kept as 0 (they still count, their author no longer). Returns the rows changed (flushes)."""
    found = _member_days_of(user_id)
    for row, active, accepted in found:
        row.active = pack(m for m in active if m != user_id)
        row.accepted = pack(0 if m == user_id else m for m in accepted)
    db.session.flush()
    return len(found)


def _export(user_id: int) -> list[dict]:
    """The member's part of the data export: the days the console counted them as active."""
    return [{"day": row.day.isoformat(), "product_id": row.product_id, "active": user_id in active,
             "accepted_answers": sum(1 for m in accepted if m == user_id)}
            for row, active, accepted in _member_days_of(user_id)]


def _on_account_deleted(event: Event, *, user_id: int, **_ids: int | None) -> None:
    forget_member(user_id)


def init_app(app) -> None:
    """The member days in the member's data export; a deleted account's id erased from them (its posts
    stay, as a former member's)."""
    export_section("health_console_activity")(_export)
    subscribe(Event.ACCOUNT_DELETED)(_on_account_deleted)


def recent_days(count: int, *, now: datetime | None = None) -> list[date]:
    """The last `count` full days, oldest first (what the nightly task rolls up)."""
    today = (now or utcnow()).date()
    return [today - timedelta(days=i) for i in range(count, 0, -1)]


def rollup_days(days: Iterable[date], *, now: datetime | None = None) -> list[RollupResult]:
    return [rollup_day(day, now=now) for day in days]
