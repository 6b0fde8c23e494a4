"""The audit log: the one writer of AuditLogEntry rows, and the console's filtered reading of them.

`log()` adds the entry to the caller's transaction (it never commits), so an action and its
entry are saved together or not at all. There is deliberately no function that changes or
removes an entry; the model refuses it too.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, joinedload

from forum import bulk
from forum.extensions import db
from forum.models import Answer, AuditLogEntry, Comment, Question, User
from forum.parse import parse_day
from forum.services.errors import ValidationFailed
from forum.services.events import Event, emit
from forum.services.queries import Page

REASON_MAX = 500
_LOGGED_TARGETS = "moderation.audit.targets"

LABELS = {
    "question.close": _l("closed a question"),
    "question.reopen": _l("reopened a question"),
    "question.lock": _l("locked a thread"),
    "question.unlock": _l("unlocked a thread"),
    "question.move": _l("moved a question to another product"),
    "question.merge": _l("merged a duplicate into its target"),
    "post.edit": _l("edited someone's post"),
    "post.delete": _l("deleted a post"),
    "post.undelete": _l("undeleted a post"),
    "post.delete_spam": _l("deleted a post as spam (−100)"),
    "post.hide": _l("hid a post pending review"),
    "post.unhide": _l("made a hidden post public again"),
    "comment.delete": _l("deleted a comment"),
    "member.suspend": _l("suspended a member"),
    "member.unsuspend": _l("lifted a suspension"),
    "account.delete": _l("deleted a member's account at their request"),
    "review.handle": _l("handled a review item"),
    "suggestion.approve": _l("approved a suggested edit"),
    "suggestion.reject": _l("rejected a suggested edit"),
    "watched_word.add": _l("added a watched word"),
    "watched_word.remove": _l("removed a watched word"),
    "settings.change": _l("changed moderation settings"),
    "case.auto_escalate": _l("escalated a question automatically"),
    "product.care": _l("changed a product's response targets or agents"),
    "article.publish": _l("published an answer as a knowledge article"),
    "article.edit": _l("edited a knowledge article"),
    "article.state": _l("changed a knowledge article's state"),
    "case.escalate": _l("escalated a question to a support case"),
    "case.assign": _l("assigned a case"),
    "case.priority": _l("changed a case's priority"),
    "case.status": _l("changed a case's status"),
    "case.update": _l("added an update to a case"),
    "case.customer_reply": _l("replied to support on their case"),
    "tag.create": _l("created a tag"),
    "tag.describe": _l("described a tag"),
    "tag.rename": _l("renamed a tag"),
    "tag.merge": _l("merged a tag into another"),
    "tag.synonym_add": _l("added a tag synonym"),
    "tag.synonym_remove": _l("removed a tag synonym"),
    "product.create": _l("added a product"),
    "product.update": _l("renamed or described a product"),
    "product.archive": _l("archived a product"),
    "product.unarchive": _l("brought back an archived product"),
    "settings.site": _l("changed the site name or logo"),
    "settings.registration": _l("changed the registration and email options"),
    "webhooks.private_addresses": _l("allowed or refused webhooks to private addresses"),
}
TARGET_KINDS = {"question": _l("Question"), "answer": _l("Answer"), "comment": _l("Comment"), "user": _l("Member"),
                "article": _l("Knowledge article"), "case": _l("Case"), "product": _l("Product"),
                "word": _l("Watched word"), "tag": _l("Tag"), "setting": _l("Setting")}


def target_of(obj: Question | Answer | Comment | User) -> str:
    """The audit target string for a post, comment or member ("question:12", "user:7")."""
    kind = {Question: "question", Answer: "answer", Comment: "comment", User: "user"}[type(obj)]
    return f"{kind}:{obj.id}"


def log(action: str, actor: User | None, *, target: str, reason: str = "", before: dict | None = None,
        after: dict | None = None, subject: User | int | None = None,
        question_id: int | None = None) -> AuditLogEntry:
    """Append one entry to the audit log inside the current transaction.

    `actor` None means the system acted (e.g. flags reaching the hiding threshold). Emits
    Event.MODERATION_ACTION, so notifications ("a moderator acted on your post") and search
    can react in the same transaction.
    """
    subject_id = subject.id if isinstance(subject, User) else subject
    entry = AuditLogEntry(actor_id=actor.id if actor is not None else None, action=action[:40], target=target[:60],
                          subject_id=subject_id, reason=(reason or "").strip()[:REASON_MAX],
                          before=before, after=after)
    db.session.add(entry)
    db.session.flush()
    db.session.info.setdefault(_LOGGED_TARGETS, set()).add(target)
    emit(Event.MODERATION_ACTION, audit_id=entry.id, subject_id=subject_id,
         actor_id=entry.actor_id, question_id=question_id)
    return entry


def log_many(action: str, actor: User | None, entries: list[dict]) -> list[int]:
    """`log()` for many entries of one action in one statement (the care run's escalations).

    Each entry is a dict with `target` and optionally `reason`, `before`, `after`, `subject_id`,
    `question_id`; each still emits Event.MODERATION_ACTION.
    """
    if not entries:
        return []
    rows = [{"actor_id": actor.id if actor is not None else None, "action": action[:40],
             "target": e["target"][:60], "subject_id": e.get("subject_id"),
             "reason": (e.get("reason") or "").strip()[:REASON_MAX], "before": e.get("before"),
             "after": e.get("after")} for e in entries]
    ids = [entry_id for (entry_id,) in bulk.insert_returning(AuditLogEntry, rows)]
    db.session.info.setdefault(_LOGGED_TARGETS, set()).update(row["target"] for row in rows)
    for entry_id, row, e in zip(ids, rows, entries, strict=True):
        emit(Event.MODERATION_ACTION, audit_id=entry_id, subject_id=row["subject_id"], actor_id=row["actor_id"],
             question_id=e.get("question_id"))
    return ids


def logged_in_this_transaction(target: str) -> bool:
    """Whether this transaction already has an entry for `target` (so an event doesn't log it twice)."""
    return target in db.session.info.get(_LOGGED_TARGETS, ())


@event.listens_for(Session, "after_transaction_end")
def _forget_targets(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_LOGGED_TARGETS, None)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    target: str = ""
    since: date | None = None
    until: date | None = None


def _day(raw: str | None, name: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw)
    except ValueError as exc:
        raise ValidationFailed(_("Dates are written YYYY-MM-DD."),
                               fields={name: "Use YYYY-MM-DD, e.g. 2026-03-01."}) from exc


def parse_filters(actor: str | None = None, action: str | None = None, target: str | None = None,
                  since: str | None = None, until: str | None = None) -> Filters:
    """Check the console's filter inputs; bad dates raise ValidationFailed."""
    first, last = _day(since, "since"), _day(until, "until")
    if first and last and first > last:
        raise ValidationFailed(_("The start date is after the end date."),
                               fields={"until": _("Pick a later end date.")})
    return Filters((actor or "").strip()[:30], (action or "").strip()[:40], (target or "").strip()[:60], first, last)


def entries(filters: Filters, *, page: int = 1, per_page: int = 50) -> Page:
    """Entries matching the filters, newest first. An unknown actor name matches nothing."""
    where = []
    if filters.actor:
        if filters.actor.lower() in ("system", "-"):
            where.append(AuditLogEntry.actor_id.is_(None))
        else:
            actor_id = db.session.scalar(select(User.id).where(func.lower(User.username) == filters.actor.lower()))
            where.append(AuditLogEntry.actor_id == (actor_id if actor_id is not None else -1))
    if filters.action:
        where.append(AuditLogEntry.action == filters.action)
    if filters.target:
        where.append(AuditLogEntry.target == filters.target)
    if filters.since:
        where.append(AuditLogEntry.created_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        where.append(AuditLogEntry.created_at < datetime.combine(filters.until + timedelta(days=1), time.min))
    total = db.session.scalar(select(func.count(AuditLogEntry.id)).where(*where)) or 0
    items = list(db.session.scalars(
        select(AuditLogEntry).where(*where)
        .options(joinedload(AuditLogEntry.actor), joinedload(AuditLogEntry.subject))
        .order_by(AuditLogEntry.created_at.desc(), AuditLogEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def actions_in_use() -> list[str]:
    """Every action name that appears in the log (for the filter's choices)."""
    return list(db.session.scalars(select(AuditLogEntry.action).distinct().order_by(AuditLogEntry.action)))


def label(action: str) -> str:
    """What the action was, in words ("published an answer as a knowledge article")."""
    return str(LABELS[action]) if action in LABELS else action.replace(".", " ").replace("_", " ")


def target_label(target: str) -> str:
    """A target in words: "question:12" → "Question 12"; a case reference stays as it is."""
    kind, sep, rest = (target or "").partition(":")
    if not sep:
        return target
    return f"{TARGET_KINDS[kind] if kind in TARGET_KINDS else kind.replace('_', ' ').capitalize()} {rest}"
