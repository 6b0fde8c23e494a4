"""Read models for the moderator console: the dashboard, a member's record, a thread's moderation page."""

from dataclasses import dataclass, field
from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import (
    Answer,
    AuditLogEntry,
    Flag,
    FlagStatus,
    Product,
    Question,
    ReviewItem,
    ReviewKind,
    Suspension,
    User,
    utcnow,
)
from forum.policy import visibility
from forum.services import reputation
from forum.services.errors import NotFound
from forum.services.queries import Page
from moderation import audit, queue, suspensions

RECENT = 10


@dataclass
class Dashboard:
    counts: dict[ReviewKind, int]
    open_total: int
    flags_today: int
    newest_members: list[User]
    suspended: list[User]
    recent_actions: list[AuditLogEntry]


def dashboard() -> Dashboard:
    """Queue counts, flags raised today, newest members, suspended members, latest actions."""
    counts = queue.counts()
    start = datetime.combine(utcnow().date(), time.min)
    flags_today = db.session.scalar(select(func.count(Flag.id)).where(Flag.created_at >= start)) or 0
    newest = list(db.session.scalars(select(User).where(visibility.member_clause())
                                     .order_by(User.created_at.desc(), User.id.desc()).limit(RECENT)))
    recent = audit.entries(audit.Filters(), per_page=RECENT).items
    return Dashboard(counts, sum(counts.values()), flags_today, newest, suspensions.suspended_members(), recent)


@dataclass
class FlagSummary:
    raised: int = 0
    helpful: int = 0
    declined: int = 0


@dataclass
class MemberRecord:
    member: User
    questions: list[Question]
    answers: list[Answer]
    flags_against: list[Flag]
    flags_raised: FlagSummary
    suspensions: list[Suspension]
    reputation: Page
    actions: list[AuditLogEntry]
    open_items: list[ReviewItem] = field(default_factory=list)


def member_record(user_id: int, *, limit: int = 20) -> MemberRecord:
    """Everything a moderator weighs about a member, deleted and hidden posts included."""
    member = db.session.get(User, user_id)
    if member is None:
        raise NotFound(_("No such member."))
    questions = list(db.session.scalars(select(Question).where(Question.author_id == member.id)
                                        .order_by(Question.created_at.desc(), Question.id.desc()).limit(limit)))
    answers = list(db.session.scalars(select(Answer).where(Answer.author_id == member.id)
                                      .options(joinedload(Answer.question))
                                      .order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit)))
    against = list(db.session.scalars(select(Flag).where(Flag.author_id == member.id).options(joinedload(Flag.flagger))
                                      .order_by(Flag.created_at.desc(), Flag.id.desc()).limit(50)))
    raised = FlagSummary()
    for status, n in db.session.execute(select(Flag.status, func.count(Flag.id)).where(Flag.flagger_id == member.id)
                                        .group_by(Flag.status)):
        raised.raised += n
        if status == FlagStatus.HELPFUL.value:
            raised.helpful = n
        elif status == FlagStatus.DECLINED.value:
            raised.declined = n
    actions = list(db.session.scalars(
        select(AuditLogEntry).where(or_(AuditLogEntry.subject_id == member.id,
                                        AuditLogEntry.target == audit.target_of(member)))
        .options(joinedload(AuditLogEntry.actor)).order_by(AuditLogEntry.created_at.desc(), AuditLogEntry.id.desc())
        .limit(30)))
    open_items = list(db.session.scalars(select(ReviewItem).where(ReviewItem.author_id == member.id,
                                                                  ReviewItem.handled_at.is_(None))
                                         .order_by(ReviewItem.created_at)))
    return MemberRecord(member, questions, answers, against, raised, suspensions.history(member),
                        reputation.history(member.id, per_page=30), actions, open_items)


def find_members(text: str, *, limit: int = 30) -> list[User]:
    """Members whose username or email starts with `text` (case-insensitive)."""
    text = (text or "").strip().lower()[:60]
    if not text:
        return []
    like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(db.session.scalars(
        select(User).where(or_(func.lower(User.username).like(like, escape="\\"),
                               func.lower(User.email).like(like, escape="\\")))
        .order_by(User.username).limit(limit)))


@dataclass
class ThreadRecord:
    question: Question
    answers: list[Answer]
    open_items: list[ReviewItem]
    products: list[Product]
    actions: list[AuditLogEntry]


def thread_record(question_id: int) -> ThreadRecord:
    """A thread as moderators see it: every answer (deleted and hidden too), open items, its audit trail."""
    question = db.session.scalar(select(Question).where(Question.id == question_id)
                                 .options(joinedload(Question.author), joinedload(Question.product)))
    if question is None:
        raise NotFound(_("No such question."))
    answers = list(db.session.scalars(select(Answer).where(Answer.question_id == question.id)
                                      .options(joinedload(Answer.author)).order_by(Answer.created_at, Answer.id)))
    items = list(db.session.scalars(select(ReviewItem).where(ReviewItem.question_id == question.id,
                                                             ReviewItem.handled_at.is_(None))
                                    .order_by(ReviewItem.created_at)))
    targets = [audit.target_of(question), *(audit.target_of(a) for a in answers)]
    actions = list(db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.target.in_(targets))
                                      .options(joinedload(AuditLogEntry.actor))
                                      .order_by(AuditLogEntry.created_at.desc(), AuditLogEntry.id.desc()).limit(30)))
    products = list(db.session.scalars(select(Product).order_by(Product.name)))
    return ThreadRecord(question, answers, items, products, actions)
