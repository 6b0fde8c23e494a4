"""Every request and response shape of API v1, declared once with pydantic.

The same classes validate what clients send (forum/views/api/operations.py) and generate the
OpenAPI document (forum/views/api/document.py). Text rules the services apply after
normalising (trimmed, whitespace runs collapsed, no NUL) are written here as patterns, so that
whatever the document calls valid, the service accepts.
"""

import re
from datetime import date, datetime
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from forum.models import Language
from forum.search.query import MAX_PAGE as SEARCH_MAX_PAGE
from forum.services.posts import ANSWER_BODY_MIN, BODY_MAX, BODY_MIN, TAGS_MAX, TAGS_MIN, TITLE_MAX, TITLE_MIN
from forum.views.api.operations import MAX_ID

PAGE_MAX = 100_000
PER_PAGE_MAX = 100

# What Python's str.split()/strip() treat as whitespace, plus NUL and other C0 controls: the
# services drop or collapse these, so a valid text starts and ends with something else.
_SPACE = r"\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WORD = f"[^{_SPACE}]"
# One line of words separated by single spaces (titles, comments, reasons: the services collapse runs).
LINE = f"^{_WORD}+( {_WORD}+)*$"
# Trimmed multi-line text without NUL (Markdown bodies).
TEXT = f"^{_WORD}([^\\x00]*{_WORD})?$"
NO_NUL = r"^[^\x00]*$"
TAG = r"^[a-z0-9][a-z0-9+#.-]{0,34}$"
SLUG = r"^[a-z0-9][a-z0-9-]{0,79}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


class In(BaseModel):
    """A request body: unknown keys are refused, and types are not coerced ("5" is not 5)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _whole_number(value: object) -> object:
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{1,12}", value):
            raise ValueError(_("Use a whole number."))
        return int(value)
    return value


def _boolean(value: object) -> object:
    if isinstance(value, str):
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise ValueError(_("Use true or false."))
        return lowered == "true"
    return value


def _calendar_date(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(DATE, value):
        raise ValueError(_("Use a date as YYYY-MM-DD."))
    return value


def _json_integer(value: object) -> object:
    """JSON has one number type: 3 and 3.0 are the same integer, "3" and true are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("Expected a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("Expected a whole number."))
        return int(value)
    return value


def requires(when: str, equals: str, then: dict[str, dict]):
    """A rule that depends on another field's value, for both the document (if/then) and validation."""

    def schema_extra(schema: dict) -> None:
        schema.setdefault("allOf", []).append({
            "if": {"properties": {when: {"const": equals}}, "required": [when]},
            "then": {"required": sorted(then), "properties": then}})

    def check(model):
        if getattr(model, when) == equals:
            for name, rule in then.items():
                value = getattr(model, name)
                if value is None or len(str(value)) < rule.get("minLength", 0):
                    raise ValueError(_("“%(name)s” is required (at least %(minimum)s characters) when %(when)s is "
                                       "%(equals)s.",
                                       name=name, minimum=rule.get('minLength', 1), when=when, equals=equals))
        return model

    return schema_extra, model_validator(mode="after")(check)


# A calendar date after today and at most ten years ahead (suspensions); "future-date" is this API's format.
FutureDate = Annotated[str, BeforeValidator(_calendar_date), Field(json_schema_extra={"format": "future-date"})]
Id = Annotated[int, Field(strict=False, ge=1, le=MAX_ID), BeforeValidator(_json_integer)]
Text = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
QueryInt = Annotated[int, BeforeValidator(_whole_number)]
QueryBool = Annotated[bool, BeforeValidator(_boolean)]
QueryDate = Annotated[date, BeforeValidator(_calendar_date)]
Title = Annotated[str, StringConstraints(min_length=TITLE_MIN, max_length=TITLE_MAX, pattern=LINE)]
Body = Annotated[str, StringConstraints(min_length=BODY_MIN, max_length=BODY_MAX, pattern=TEXT)]
AnswerBody = Annotated[str, StringConstraints(min_length=ANSWER_BODY_MIN, max_length=BODY_MAX, pattern=TEXT)]
TagName = Annotated[str, StringConstraints(pattern=TAG)]
Note = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
EditComment = Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)]
# A shipped content language (forum/models/language.py): what a question is written in, and the filter.
LanguageCode = Annotated[Literal[tuple(language.value for language in Language)],  # type: ignore[valid-type]
                         Field(description="A shipped language: " + ", ".join(language.value for language in Language))]
Priority = Literal["low", "normal", "high", "urgent"]
CaseStatus = Literal["new", "open", "waiting_on_customer", "resolved", "closed"]


# ---- query strings -------------------------------------------------------------------------

class Paging(BaseModel):
    page: QueryInt = Field(1, ge=1, le=PAGE_MAX, description="Page number, from 1")
    per_page: QueryInt = Field(20, ge=1, le=PER_PAGE_MAX, description="Items per page")


class QuestionsQuery(Paging):
    sort: Literal["newest", "active", "top", "unanswered"] = "newest"
    product: Text | None = Field(None, description="Product slug")
    tag: Text | None = None
    lang: LanguageCode | None = Field(None, description="Only questions written in this language")


class CasesQuery(Paging):
    status: CaseStatus | None = None
    assignee: Text | None = Field(None, description="Username of the assigned agent")


class ArticlesQuery(Paging):
    product: Text | None = Field(None, description="Product slug")
    tag: Text | None = None


class NotificationsQuery(Paging):
    unread: QueryBool = Field(False, description="Only unread ones")


class SearchQuery(Paging):
    page: QueryInt = Field(1, ge=1, le=SEARCH_MAX_PAGE, description="Page number, from 1 (search stops deep)")
    q: Annotated[str, StringConstraints(max_length=2000)] = Field(
        "", description='Words (all must match), "a phrase", a OR b, -excluded; longer input is shortened')
    product: Text | None = Field(None, description="Product slug")
    tag: Text | None = None
    kind: Literal["question", "answer", "article"] | None = None
    lang: LanguageCode | None = Field(None, description="Only content written in this language (searched with its "
                                                        "word forms only)")
    accepted: QueryBool = Field(False, description="Only threads that have an accepted answer")
    sort: Literal["relevance", "newest", "votes"] | None = None


class SimilarQuery(BaseModel):
    title: Annotated[str, StringConstraints(max_length=2000)] = Field("", description="The draft title")
    product: Text | None = None
    limit: QueryInt = Field(5, ge=1, le=10)


class QueueQuery(Paging):
    kind: Literal["flagged", "hidden", "first_post", "suggested_edit", "watched_word"] | None = None


class AuditQuery(Paging):
    actor: Text | None = Field(None, description='Username, or "system"')
    action: Text | None = Field(None, description="e.g. question.close")
    target: Text | None = Field(None, description="e.g. question:12, user:7")
    since: QueryDate | None = None
    until: QueryDate | None = None


# ---- request bodies ------------------------------------------------------------------------

class QuestionIn(In):
    title: Title
    body: Body = Field(description="Markdown")
    tags: list[TagName] = Field(min_length=TAGS_MIN, max_length=TAGS_MAX)
    product: Annotated[str, StringConstraints(pattern=SLUG)] = Field(description="Product slug")
    language: LanguageCode | None = Field(None, description="The language it is written in; by default the "
                                                            "caller's interface language")
    fields: dict[Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)],
                 Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]] = Field(
        default_factory=dict, max_length=50,
        description="Answers to the product's customer profile fields, by field key")


class QuestionEdit(In):
    title: Title | None = None
    body: Body | None = None
    tags: list[TagName] | None = Field(None, min_length=TAGS_MIN, max_length=TAGS_MAX)
    language: LanguageCode | None = Field(None, description="The language it is written in")
    comment: EditComment | None = Field(None, description="Edit summary")


class AnswerIn(In):
    body: AnswerBody = Field(description="Markdown")


class AnswerEdit(In):
    body: AnswerBody
    comment: EditComment | None = Field(None, description="Edit summary")


class CommentIn(In):
    body: Annotated[str, StringConstraints(min_length=2, max_length=600, pattern=LINE)]


class VoteIn(In):
    value: Annotated[int, Field(strict=False, ge=-1, le=1), BeforeValidator(_json_integer)] = Field(
        description="1 up, -1 down, 0 retract")


_flag_rule, _flag_check = requires("kind", "attention", {"text": {"type": "string", "minLength": 10}})


class FlagIn(In):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_flag_rule)

    kind: Literal["spam", "rude", "attention"]
    text: Annotated[str, StringConstraints(max_length=500, pattern=LINE)] | None = Field(
        None, description="Required (10+ characters) for attention")
    check = _flag_check


_edited_rule, _edited_check = requires("outcome", "edited", {"body": {"type": "string"}})
_suspended_rule, _suspended_check = requires("outcome", "suspended", {"until": {"type": "string"},
                                                                      "reason": {"type": "string"}})


def _review_rules(schema: dict) -> None:
    _edited_rule(schema)
    _suspended_rule(schema)


class ReviewIn(In):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_review_rules)
    check_edited = _edited_check
    check_suspended = _suspended_check

    outcome: Literal["approved", "dismissed", "edited", "deleted", "spam", "suspended"] = Field(
        description="The item's `outcomes` lists those possible for it")
    note: Note | None = None
    body: Body | None = Field(None, description="edited: the corrected text")
    title: Title | None = None
    tags: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] | None = None
    until: FutureDate | None = Field(None, description="suspended: end date (UTC), in the future")
    reason: Annotated[str, StringConstraints(min_length=5, max_length=500, pattern=LINE)] | None = Field(
        None, description="suspended: reason shown to the member")


_close_rule, _close_check = requires("reason", "duplicate", {"duplicate_of": {"type": "integer"}})


class CloseIn(In):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_close_rule)
    check = _close_check

    reason: Literal["duplicate", "off_topic", "needs_detail"]
    duplicate_of: Id | None = Field(None, description="duplicate: a different, existing question")
    note: Note | None = None


class NoteIn(In):
    note: Note | None = None


class MoveIn(In):
    product: Annotated[str, StringConstraints(pattern=SLUG)] = Field(
        description="Slug of the product to move to: another product, not archived")
    note: Note | None = None


class SuspendIn(In):
    until: FutureDate = Field(description="End date (UTC), after today, within ten years")
    reason: Annotated[str, StringConstraints(min_length=5, max_length=500, pattern=LINE)]


class EscalateIn(In):
    priority: Priority = "normal"
    note: Note | None = Field(None, description="Internal note, never public")


_resolve_rule, _resolve_check = requires("status", "resolved", {"summary": {"type": "string", "minLength": 10}})


class CasePatch(In):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_resolve_rule)
    check = _resolve_check

    status: CaseStatus | None = None
    summary: Annotated[str, StringConstraints(max_length=5000, pattern=TEXT)] | None = Field(
        None, description="Resolution summary, needed to resolve")
    assignee: Annotated[str, StringConstraints(max_length=80, pattern=NO_NUL)] | None = Field(
        None, description="Username; null unassigns")
    priority: Priority | None = None


class CaseUpdateIn(In):
    body: Annotated[str, StringConstraints(min_length=2, max_length=10_000, pattern=TEXT)]
    public: StrictBool = Field(description="true: posted on the thread as a staff reply; false: internal note")


class PublishIn(In):
    answer_id: Id
    title: Title | None = None
    summary: Annotated[str, StringConstraints(min_length=20, max_length=500, pattern=LINE)] | None = None
    body: Body | None = None


class MarkReadIn(In):
    ids: list[Id] | None = Field(None, max_length=500, description="Omit to mark everything read")
    all: StrictBool | None = None


class FieldIn(In):
    label: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LINE)] | None = None
    kind: Literal["text", "number", "choice", "date"] | None = None
    choices: list[Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LINE)]] | None = Field(
        None, max_length=50)
    required: StrictBool | None = None
    staff_only: StrictBool | None = None
    help_text: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] | None = None
    claim: Annotated[str, StringConstraints(max_length=80, pattern=NO_NUL)] | None = None


class FieldPatch(FieldIn):
    retired: StrictBool | None = None


# ---- responses -----------------------------------------------------------------------------

class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class Error(BaseModel):
    error: ErrorDetail


class UserRef(Out):
    id: int
    username: str
    reputation: int


class Named(Out):
    slug: str
    name: str


class Product(Out):
    slug: str
    name: str
    description: str
    question_count: int


class TagOut(Out):
    name: str
    description: str
    question_count: int


class CommentOut(Out):
    id: int
    body: str
    body_html: str
    author: UserRef
    created_at: datetime
    hidden: bool = Field(description="Hidden pending review (seen only by its author and staff)")


class AnswerOut(Out):
    id: int
    question_id: int
    body: str
    body_html: str
    author: UserRef
    score: int
    accepted: bool
    created_at: datetime
    edited_at: datetime | None
    deleted: bool = Field(description="Deleted (seen only by staff)")
    hidden: bool = Field(description="Hidden pending review (seen only by its author and staff)")
    article_id: int | None = Field(description="The knowledge article published from this answer")
    comments: list[CommentOut]


class QuestionRef(Out):
    id: int
    title: str
    url: str


class QuestionSummary(Out):
    id: int
    title: str
    url: str
    language: LanguageCode
    product: Named
    tags: list[str]
    author: UserRef
    score: int
    answer_count: int
    view_count: int
    accepted_answer_id: int | None
    solved: bool = Field(description="Solved: an accepted answer, or a support resolution the asker accepted")
    solved_by_support: bool = Field(description="The asker accepted a support case's resolution")
    state: Literal["open", "closed", "locked"] = Field(
        description="locked (no answers, comments or votes) wins over closed (no new answers)")
    closed: bool
    locked: bool
    close_reason: Literal["duplicate", "off_topic", "needs_detail"] | None
    duplicate_of_id: int | None
    deleted: bool = Field(description="Deleted (seen only by staff)")
    hidden: bool = Field(description="Hidden pending review (seen only by its author and staff)")
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    first_response_at: datetime | None = Field(description="When someone other than the asker first responded")
    waiting_since: datetime | None = Field(description="Still waiting for a first response since")
    response_due_at: datetime | None = Field(description="The product's first-response target, in business hours")
    escalation_due_at: datetime | None = Field(description="When it escalates to support automatically")


class StaffReply(Out):
    id: int
    kind: Literal["update", "resolution"]
    body: str
    body_html: str
    author: str
    created_at: datetime


class PublicCase(Out):
    """What the thread page shows of its support case; the reference only to staff."""

    reference: str | None = Field(description="Only for staff who work cases")
    status: CaseStatus
    status_label: str
    opened_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str | None = Field(description="The resolution posted on the thread, once resolved")
    updates: list[StaffReply] = Field(description="Public updates, oldest first")


class QuestionDetail(QuestionSummary):
    body: str
    body_html: str
    close_reason_label: str | None
    closed_at: datetime | None
    closed_by: UserRef | None
    duplicate_of: QuestionRef | None
    locked_at: datetime | None
    comments: list[CommentOut]
    answers: list[AnswerOut]
    escalation: PublicCase | None


class PageOf(Out):
    page: int
    per_page: int
    total: int


class ProductList(PageOf):
    items: list[Product]


class TagList(PageOf):
    items: list[TagOut]


class QuestionList(PageOf):
    items: list[QuestionSummary]


class Badge(Out):
    badge: str
    name: str
    tier: str | None
    answer_id: int | None
    awarded_at: datetime


class Counts(Out):
    questions: int
    answers: int


class Member(Out):
    id: int
    username: str
    reputation: int
    role: Literal["member", "moderator", "agent", "admin"]
    about: str
    created_at: datetime
    url: str
    counts: Counts
    suspended_until: datetime | None = Field(description="Only to staff and the member")


class MemberWithBadges(Member):
    badges: list[Badge]


class ReputationItem(Out):
    id: int
    event: str
    label: str
    delta: int
    amount: int
    reason: str | None
    reverses: int | None
    question_id: int | None
    answer_id: int | None
    title: str | None
    created_at: datetime


class ReputationList(PageOf):
    items: list[ReputationItem]


class VoteResult(Out):
    score: int
    vote: Literal[1, -1, 0]


class AcceptResult(Out):
    question_id: int
    accepted_answer_id: int | None


class CaseUpdateOut(Out):
    id: int
    public: bool
    kind: str
    body: str
    author: str
    created_at: datetime


class CaseOut(Out):
    reference: str
    question_id: int
    question: QuestionRef
    status: CaseStatus
    status_label: str
    priority: Priority
    customer: UserRef
    assignee: str | None
    product: str
    sla_due_at: datetime
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution_summary: str | None


class CaseDetail(CaseOut):
    updates: list[CaseUpdateOut] = Field(description="Public updates and internal notes, oldest first")


class CaseList(PageOf):
    items: list[CaseOut]


class CaseConflict(BaseModel):
    error: ErrorDetail
    case: CaseOut | None = Field(None, description="The thread's open case, when that is the conflict")


class CaseUpdateCreated(Out):
    id: int
    public: bool
    kind: str
    created_at: datetime


class ArticleVersionOut(Out):
    number: int
    state: str
    editor: str
    note: str
    created_at: datetime


class ArticleOut(Out):
    id: int
    title: str
    summary: str
    state: Literal["draft", "published", "archived"]
    product: str
    tags: list[str]
    question_id: int | None
    answer_id: int | None
    author: str | None
    version: int
    url: str
    published_at: datetime | None
    updated_at: datetime


class ArticleDetail(ArticleOut):
    body: str
    body_html: str
    versions: list[ArticleVersionOut] | None = Field(description="The history, for staff who edit articles")


class ArticleList(PageOf):
    items: list[ArticleOut]


class NotificationOut(Out):
    id: int
    kind: str
    text: str
    read: bool
    url: str
    actor: UserRef | None
    question_id: int | None
    answer_id: int | None
    comment_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationList(PageOf):
    items: list[NotificationOut]
    unread: int


class MarkReadResult(Out):
    marked: int
    unread: int


class SearchHit(Out):
    kind: str
    id: int
    thread_id: int
    language: LanguageCode = Field(description="The language it is written in")
    title: str
    title_html: str
    url: str
    snippet: str
    snippet_html: str
    product: Named
    tags: list[str]
    score: int
    accepted: bool
    has_accepted_answer: bool
    created_at: datetime | None
    relevance: float


class SearchResults(PageOf):
    items: list[SearchHit]
    total_is_lower_bound: bool
    query: str
    notices: list[str]
    suggestion: str | None


class SimilarResults(PageOf):
    items: list[SearchHit]


class FlagTarget(Out):
    type: Literal["question", "answer", "comment"]
    id: int


class FlagOut(Out):
    id: int
    kind: str
    text: str
    status: str
    target: FlagTarget
    created_at: datetime


class AuthorRef(Out):
    id: int
    username: str


class ReviewItemOut(Out):
    id: int
    kind: str
    question_id: int | None
    answer_id: int | None
    comment_id: int | None
    suggested_edit_id: int | None
    author: AuthorRef
    detail: str | None
    flags: list[FlagOut]
    created_at: datetime
    handled_at: datetime | None
    outcome: str | None
    handled_by: str | None
    outcomes: list[str]


class Queue(PageOf):
    items: list[ReviewItemOut]
    counts: dict[str, int]


class Suspension(Out):
    user_id: int
    suspended_until: datetime
    reason: str


class AuditEntry(Out):
    id: int
    created_at: datetime
    actor: str | None
    action: str
    target: str
    subject: str | None
    reason: str | None
    before: dict | None
    after: dict | None


class AuditList(PageOf):
    items: list[AuditEntry]


class ProfileField(Out):
    id: int
    key: str
    label: str
    kind: str
    choices: list[str] | None
    required: bool
    staff_only: bool
    help_text: str | None
    claim: str | None
    retired: bool
    product: str


HOURS = Annotated[int, Field(strict=False, ge=1, le=720), BeforeValidator(_json_integer)]
CLOCK = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


class Cadence(In):
    low: HOURS | None = None
    normal: HOURS | None = None
    high: HOURS | None = None
    urgent: HOURS | None = None


class CareIn(In):
    """The keys sent change; the others keep their value (opening must stay before closing)."""

    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL)] | None = Field(
        None, description="IANA zone; null: 24 × 7")
    working_days: list[Annotated[int, Field(strict=False, ge=0, le=6), BeforeValidator(_json_integer)]
                       | Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(
        None, min_length=1, max_length=7, description="0 = Monday, or mon…sun")
    opens_at: Annotated[str, StringConstraints(pattern=CLOCK)] = Field(None, description="HH:MM")
    closes_at: Annotated[str, StringConstraints(pattern=CLOCK)] = Field(
        None, description="HH:MM; 24:00: midnight")
    holidays: list[Annotated[str, StringConstraints(pattern=DATE)]] = Field(None, max_length=366)
    first_response_hours: HOURS | None = None
    escalation_policy: Literal["off", "every_question", "first_question"] = None
    escalate_after_hours: HOURS = None
    escalation_priority: Priority = None
    update_cadence: Cadence | None = None


class CareOut(Out):
    product: str
    time_zone: str | None
    working_days: list[int]
    opens_at: str
    closes_at: str
    holidays: list[str]
    first_response_hours: int | None
    escalation_policy: str
    escalate_after_hours: int
    escalation_priority: str
    update_cadence: dict[str, int | None]


class ProfileFieldList(PageOf):
    items: list[ProfileField]


# ---- health console ------------------------------------------------------------------------

class InsightsQuery(BaseModel):
    period: Literal["7", "30", "90"] = Field("30", description="The last N days to today; ignored when from is given")
    from_: QueryDate | None = Field(None, alias="from", description="First day (UTC), inclusive; the dates may come "
                                    "in either order, and a span over 366 days keeps its last 366")
    to: QueryDate | None = Field(None, description="Last day (UTC), inclusive; default today (alone: the `period` "
                                 "days ending there)")
    product: Text | None = Field(None, description="Product slug")
    tag: Text | None = None


class InsightsWeek(Out):
    week_start: str
    value: float | int | None


class InsightsFigure(Out):
    key: str
    label: str
    unit: str
    value: float | int | None
    previous: float | int | None
    definition: str
    weekly: list[InsightsWeek]


class InsightsGap(Out):
    term: str = Field(description="A search that found nothing, normalised (lower-case words, long numbers removed)")
    searches: int


class InsightsSection(Out):
    key: str
    title: str
    figures: list[InsightsFigure]
    distribution: dict[str, int] | None = None
    gaps: list[InsightsGap] | None = Field(None, description="content_gaps only: the most frequent searches "
                                                           "without results, most searched first")


class InsightsPeriod(Out):
    from_: str = Field(alias="from")
    to: str


class InsightsScope(Out):
    from_: str = Field(alias="from")
    to: str
    to_exclusive: bool
    product: str | None
    tag: str | None
    previous: InsightsPeriod


class InsightsOut(Out):
    scope: InsightsScope
    sections: list[InsightsSection]
