"""The community health console's figures: one function computes each table, every surface calls it.

The console page, its charts, the CSV export and `GET /api/v1/insights` all call `report()`,
so they show the same numbers. Most figures are folded from daily facts (forum/services/
insight_facts.py): the daily rollup of each full day, live grouped queries for the rest (today,
days not rolled up yet, tag filters); a fixed number of queries either way, never row by row.
The contributors section counts distinct members: from the member ids the same daily facts carry
(rolled up in `insight_member_days` for full days), so it needs no scan of the period's posts either.

Periods are half-open [start, end) in UTC; the weekly trend splits a period into 7-day
buckets counted from its start (the last one may be shorter). Percentiles interpolate
linearly between the two nearest ranks (PostgreSQL's `percentile_cont`, numpy's default):
for n sorted values the p-th is at rank (n − 1)·p, counted from 0, over whole seconds the
database computed, so SQLite and PostgreSQL report exactly the same values.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from fractions import Fraction
from math import ceil

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement

from forum.extensions import db
from forum.models import Product, Question, ReviewItem, Tag, User, question_tags, utcnow
from forum.policy import visibility
from forum.services import insight_facts
from forum.services import self_service as self_service_log
from forum.services.errors import NotFound, ValidationFailed

PERIODS = (7, 30, 90)
MAX_DAYS = 366
MEDIAN, P90 = Fraction(1, 2), Fraction(9, 10)


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
        raise ValidationFailed(_("Dates look like 2026-11-30."), fields={name: "Use YYYY-MM-DD."}) from None


def scope_from(args: dict, *, today: date | None = None) -> Scope:
    """The scope a request names: ?period=7|30|90 (days up to today) or ?from=&to= (inclusive days),
    ?product=<slug>, ?tag=<name>. Raises ValidationFailed / NotFound with a clear message."""
    today = today or utcnow().date()
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if raw_from or raw_to:
        first = _parse_day(raw_from, "from") if raw_from else None
        last = _parse_day(raw_to, "to") if raw_to else today
        if first is None:
            raise ValidationFailed(_("Give both dates."), fields={"from": _("Use YYYY-MM-DD.")})
        if last < first:
            raise ValidationFailed(_("The period ends before it starts."), fields={"to": _("On or after “from”.")})
        if (last - first).days + 1 > MAX_DAYS:
            raise ValidationFailed(_("That period is too long."), fields={"from": f"At most {MAX_DAYS} days."})
    else:
        raw_period = str(args.get("period") or "30")
        if not raw_period.isdigit() or int(raw_period) not in PERIODS:
            raise ValidationFailed(_("Choose the last 7, 30 or 90 days."), fields={"period": _("Use 7, 30 or 90.")})
        last = today
        first = today - timedelta(days=int(raw_period) - 1)
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last + timedelta(days=1), datetime.min.time())
    product_id = tag_id = None
    product, tag = (args.get("product") or "").strip() or None, (args.get("tag") or "").strip() or None
    if product:
        product_id = db.session.scalar(select(Product.id).where(Product.slug == product))
        if product_id is None:
            raise NotFound(_("No product “%(product)s”.", product=product[:40]))
    if tag:
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == tag))
        if tag_id is None:
            raise NotFound(_("No tag “%(tag)s”.", tag=tag[:40]))
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
    rolled_days: int = 0  # days of the period read from their daily rollup
    live_days: int = 0  # days of the period counted by live queries (today, days not rolled up)

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for fig in section.figures:
                if fig.key == key:
                    return fig
        raise KeyError(key)


def _question_scope(scope: Scope, question=Question) -> list[ColumnElement]:
    where = [visibility.live(question)]
    if scope.product_id is not None:
        where.append(question.product_id == scope.product_id)
    if scope.tag_id is not None:
        where.append(question.id.in_(select(question_tags.c.question_id).where(question_tags.c.tag_id == scope.tag_id)))
    return where


def _ratio(numerator: float | int | None, denominator: float | int | None) -> float | None:
    return None if not denominator else numerator / denominator


# --- the sections ------------------------------------------------------------------------------

@dataclass
class Tallies:
    """The day facts of a scope folded into the period, each week, and the previous period."""

    total: insight_facts.Facts
    weekly: list[insight_facts.Facts]
    previous: insight_facts.Facts
    rolled: int
    live: int

    def count(self, name: str) -> tuple[int, list[int], int]:
        return self.total.counts[name], [w.counts[name] for w in self.weekly], self.previous.counts[name]


def tallies(scope: Scope, *, use_rollups: bool = True, today: date | None = None) -> Tallies:
    """Fold the daily facts (rollups for full days, live for the rest) of the scope and its previous period."""
    previous = scope.previous()
    facts = insight_facts.facts_by_day(previous.start.date(), scope.end.date(),
                                       insight_facts.Filter(scope.product_id, scope.tag_id),
                                       today=today, use_rollups=use_rollups)
    total, before = insight_facts.Facts(), insight_facts.Facts()
    weekly = [insight_facts.Facts() for _ in range(scope.weeks)]
    first = scope.start.date()
    for day, day_facts in facts.by_day.items():
        if day < first:
            before.add(day_facts)
        else:
            weekly[(day - first).days // 7].add(day_facts)
    for week in weekly:  # the period is its weeks added up (fewer, larger additions than day by day)
        total.add(week)
    in_period = {day for day in facts.rolled | facts.live if day >= first}
    return Tallies(total, weekly, before, len(facts.rolled & in_period), len(facts.live & in_period))


def percentile(values: list[int], p: Fraction) -> float | None:
    """The p-th percentile, interpolating linearly between the two nearest ranks (see the module docstring)."""
    return _of_sorted(sorted(values), p)


def _of_sorted(ordered: list[int], p: Fraction) -> float | None:
    """`percentile()` of values already in order."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * p
    low = position.numerator // position.denominator
    value = Fraction(ordered[low])
    frac = position - low
    if frac:
        value += frac * (Fraction(ordered[low + 1]) - value)
    return float(value)


def _rate_figure(key: str, label: str, num: str, den: str, t: Tallies, definition: str) -> Figure:
    return Figure(key, label, "share", _ratio(t.total.counts[num], t.total.counts[den]),
                  _ratio(t.previous.counts[num], t.previous.counts[den]),
                  [_ratio(w.counts[num], w.counts[den]) for w in t.weekly], definition)


def _count_figure(key: str, label: str, name: str, t: Tallies, definition: str) -> Figure:
    value, weekly, before = t.count(name)
    return Figure(key, label, "count", value, before, weekly, definition)


def _spread_figures(prefix: str, labels: tuple[str, str], t: Tallies, definition: str) -> list[Figure]:
    """The median and 90th percentile of one duration; `labels` names each whole ("…, median", "…, 90th percentile")."""
    def of(facts: insight_facts.Facts) -> tuple[float | None, float | None]:
        ordered = sorted(facts.durations.get(prefix, []))  # once for both percentiles
        return _of_sorted(ordered, MEDIAN), _of_sorted(ordered, P90)

    total, before, weekly = of(t.total), of(t.previous), [of(w) for w in t.weekly]
    return [Figure(f"{prefix}_median", labels[0], "seconds", total[0], before[0], [w[0] for w in weekly], definition),
            Figure(f"{prefix}_p90", labels[1], "seconds", total[1], before[1], [w[1] for w in weekly], definition)]


def responsiveness(scope: Scope, t: Tallies) -> Section:
    """Time to first response, unanswered, solved and escalation rates of the questions asked in the period."""
    def waiting(facts: insight_facts.Facts) -> float | None:
        return _ratio(facts.counts["asked"] - facts.counts["responded"], facts.counts["asked"])

    def member(facts: insight_facts.Facts) -> float | None:
        return _ratio(facts.counts["responded"] - facts.counts["staff_first"], facts.counts["responded"])

    figures = [
        _count_figure("questions_asked", _("Questions asked"), "asked", t,
                      _("Questions asked in the period (deleted ones left out).")),
        *_spread_figures("first_response", (_("Time to first response, median"),
                                            _("Time to first response, 90th percentile")), t,
                         _("From asking to the first response: the first answer by someone other than the asker "
                         "(deleted and hidden answers don't count) or the first public support update on its "
                         "case, whichever came first; over the questions asked in the period that have one.")),
        Figure("without_first_response", _("Still without a first response"), "share", waiting(t.total),
               waiting(t.previous), [waiting(w) for w in t.weekly],
               _("Share of the questions asked in the period that have no first response yet.")),
        _rate_figure("solved_7d", _("Solved within 7 days"), "solved_7", "asked", t,
                     _("Share of the questions asked in the period whose accepted answer was posted within 7 days "
                     "of asking, or whose support case was resolved and closed within 7 days.")),
        _rate_figure("solved_30d", _("Solved within 30 days"), "solved_30", "asked", t,
                     _("As “solved within 7 days”, within 30 days of asking.")),
        _rate_figure("unanswered", _("Unanswered"), "unanswered", "asked", t,
                     _("Share of the questions asked in the period that have no answer at all.")),
        _rate_figure("escalated", _("Escalated to support"), "escalated", "asked", t,
                     _("Share of the questions asked in the period that became a support case.")),
        _rate_figure("escalated_manual", _("Escalated by a moderator or agent"), "escalated_manual", "asked", t,
                     _("Share of the questions asked in the period that a moderator or an agent escalated to a case "
                     "(a question escalated both ways counts in both).")),
        _rate_figure("escalated_auto", _("Escalated automatically"), "escalated_auto", "asked", t,
                     _("Share of the questions asked in the period that the care run escalated under its product's "
                     "automatic-escalation policy.")),
        _rate_figure("within_target", _("Answered within the response target"), "within_target", "target_decided", t,
                     _("Of the questions asked in the period in products with a first-response target, the share "
                     "whose first response came within the target, counted in the product's business hours. A "
                     "question still waiting counts (as missed) once its target time has passed; before that it "
                     "is left out.")),
        _rate_figure("staff_first_responses", _("First responses by staff"), "staff_first", "responded", t,
                     _("Of the questions asked in the period that have a first response, the share whose first "
                     "response came from an agent, moderator or admin (the rest: community members).")),
        Figure("member_first_responses", _("First responses by community members"), "share", member(t.total),
               member(t.previous), [member(w) for w in t.weekly],
               _("Of the questions asked in the period that have a first response, the share whose first "
               "response came from a community member (not an agent, moderator or admin).")),
    ]
    return Section("responsiveness", _("Responses and solutions"), figures)


def support(scope: Scope, t: Tallies) -> Section:
    """Cases opened in the period: how long they took to resolve and whether within their SLA."""
    figures = [
        _count_figure("cases_opened", _("Cases opened"), "opened", t, _("Support cases opened in the period.")),
        *_spread_figures("resolution", (_("Case resolution time, median"), _("Case resolution time, 90th percentile")),
                         t,
                         _("From opening a case to its (latest) resolution, over the cases opened in the period "
                         "that are resolved.")),
        _rate_figure("resolved_in_sla", _("Resolved within the SLA"), "in_sla", "resolved", t,
                     _("Of the cases opened in the period and resolved, the share resolved by their SLA deadline.")),
    ]
    return Section("support", _("Support cases"), figures)


def satisfaction(scope: Scope, t: Tallies) -> Section:
    """CSAT of the surveys sent in the period, and “did this help?” answers given in the period."""
    distribution = {r: t.total.counts[f"rating_{r}"] for r in range(1, 6)}
    figures = [
        _rate_figure("csat_average", _("CSAT, average rating"), "rating_sum", "rated", t,
                     _("Average of the 1–5 ratings given to the surveys sent in the period (cases resolved then).")),
        _rate_figure("csat_response_rate", _("CSAT response rate"), "rated", "sent", t,
                     _("Share of the surveys sent in the period that the asker answered.")),
        _rate_figure("helpful_answers", _("“Did this help?”: yes for accepted answers"), "answer_yes", "answer_votes",
                     t, _("Share of yes among the answers given (or last changed) in the period "
                        "to “Did this help?” on accepted answers.")),
        _rate_figure("helpful_articles", _("“Did this help?”: yes for articles"), "article_yes", "article_votes",
                     t, _("Share of yes among the answers given (or last changed) in the period "
                        "to “Did this help?” on knowledge articles.")),
    ]
    figures[0].unit = "rating"
    return Section("satisfaction", _("Satisfaction"), figures, extra={"distribution": distribution})


def _joined(scope: Scope) -> tuple[set[int], set[int]]:
    """The accounts created in the period, and those created in the previous period."""
    previous = scope.previous()
    period, before = set(), set()
    for member_id, created in db.session.execute(select(User.id, User.created_at).where(
            User.created_at >= previous.start, User.created_at < scope.end)):
        (period if created >= scope.start else before).add(member_id)
    return period, before


def _top_share(accepted: list[int]) -> tuple[float | None, int]:
    """Share of the accepted answers written by the 10 members with the most of them (0, a deleted
    account, counts in the total but is nobody's)."""
    per_author = Counter(accepted)
    total = sum(per_author.values())
    per_author.pop(0, None)
    return _ratio(sum(n for _member, n in per_author.most_common(10)), total), total


def contributors(scope: Scope, t: Tallies) -> Section:
    """Who does the answering: active and new members, and how concentrated accepted answers are.

    Distinct members can't be added up from daily totals, so the daily facts carry the member ids
    (see forum/services/insight_facts.py) and the sets are merged here.
    """
    weeks = [set(w.active) for w in t.weekly]
    period, before = set().union(*weeks), set(t.previous.active)
    joined, joined_before = _joined(scope)
    share, accepted = _top_share(t.total.accepted)
    prev_share, _previous = _top_share(t.previous.accepted)
    figures = [
        Figure("active_members", _("Active members"), "count", len(period), len(before), [len(w) for w in weeks],
               _("Members who asked or answered in the period (in the chosen product or tag; deleted posts and "
                 "deleted accounts left out).")),
        Figure("new_members", _("New members"), "count", len(period & joined), len(before & joined_before),
               [len(w & joined) for w in weeks],
               _("Active members whose account was created in the period (each week: those active that week).")),
        Figure("top10_accepted_share", _("Accepted answers by the top 10 contributors"), "share", share, prev_share,
               [], ngettext("Of the %(num)d accepted answer on questions asked in the period, the share written by "
                            "the 10 members with the most of them. High means the community leans on a few people.",
                            "Of the %(num)d accepted answers on questions asked in the period, the share written by "
                            "the 10 members with the most of them. High means the community leans on a few people.",
                            accepted)),
    ]
    return Section("contributors", _("Contributors"), figures)


def moderation(scope: Scope, t: Tallies) -> Section:
    """Flags handled in the period, how fast, and what waits in the review queue now."""
    handled = t.total.durations.get("flag_handling", [])
    backlog_where = [ReviewItem.handled_at.is_(None)]
    if scope.product_id is not None or scope.tag_id is not None:
        backlog_where.append(ReviewItem.question_id.in_(select(Question.id).where(*_question_scope(scope))))
    backlog = db.session.scalar(select(func.count(ReviewItem.id)).where(*backlog_where)) or 0
    figures = [
        Figure("flags_handled", _("Flags handled"), "count", len(handled),
               len(t.previous.durations.get("flag_handling", [])),
               [len(w.durations.get("flag_handling", [])) for w in t.weekly],
               _("Flags a moderator decided (helpful or declined) in the period.")),
        Figure("flag_handling_median", _("Time to handle a flag, median"), "seconds", percentile(handled, MEDIAN),
               percentile(t.previous.durations.get("flag_handling", []), MEDIAN),
               [percentile(w.durations.get("flag_handling", []), MEDIAN) for w in t.weekly],
               _("From a flag being raised to a moderator handling its review item, over the flags handled in "
               "the period (on threads since deleted, too).")),
        Figure("review_backlog", _("Review queue backlog (now)"), "count", backlog, None, [],
               _("Review items waiting for a moderator right now (not tied to the period).")),
    ]
    return Section("moderation", _("Moderation"), figures)


def self_service(scope: Scope, t: Tallies) -> Section:
    """Searches and suggestions that spared members from asking, against those followed by a question anyway."""
    return Section("self_service", _("Self-service"), [
        _count_figure("self_served", _("Searches that self-served"), "self_served", t,
                      _("Searches (first results page) and similar-question suggestions shown to signed-in members in "
                      "the period after which the member opened a solved thread or a knowledge article and did not "
                      "ask a question within 24 hours. Counted once the 24 hours are over; not available by tag.")),
        _count_figure("asked_anyway", _("Searches followed by a question anyway"), "asked_anyway", t,
                      _("Searches and suggestions of the period after which the member asked a question within 24 "
                      "hours (whether or not they opened something first); by the product they asked in.")),
        _rate_figure("self_service_rate", _("Self-service rate"), "self_served", "self_served_or_asked", t,
                     _("Self-served searches ÷ (self-served + followed by a question anyway). Searches after "
                     "which the member neither opened a solved thread or article nor asked are left out.")),
    ])


def content_gaps(scope: Scope, t: Tallies) -> Section:
    """The most frequent searches that found nothing (normalised terms, no member ids, kept 90 days)."""
    first, end = scope.start.date(), scope.end.date()
    previous = scope.previous()
    per_day = self_service_log.gaps_per_day(previous.start.date(), end)
    weekly = [0] * scope.weeks
    total = before = 0
    for day, count in per_day.items():
        if day < first:
            before += count
        else:
            total += count
            weekly[(day - first).days // 7] += count
    top = self_service_log.top_gaps(first, end)
    return Section("content_gaps", _("Content gaps"), [
        Figure("searches_without_results", _("Searches without results"), "count", total, before, weekly,
               _("Searches (first results page, by anyone) that found nothing, in the period. Only normalised "
               "terms are kept (lower-case words, long numbers removed), with no member ids, for 90 days.")),
    ], extra={"gaps": top})


SECTIONS: tuple[Callable[[Scope, Tallies], Section], ...] = (
    responsiveness, support, satisfaction, self_service, contributors, moderation, content_gaps)


def report(scope: Scope, *, use_rollups: bool = True, today: date | None = None) -> Report:
    """Every table of the console for one scope (what the page, the CSV and the API show).

    Full days come from their daily rollup when one is current, the rest (today, days never rolled
    up, any tag filter) from live queries; `use_rollups=False` asks everything live.
    """
    t = tallies(scope, use_rollups=use_rollups, today=today)
    return Report(scope, [section(scope, t) for section in SECTIONS], rolled_days=t.rolled, live_days=t.live)
