"""Suspending members: until a date, with a reason shown to them; reading stays open.

What a suspension stops is decided in one place, forum.policy.refusal(): every write
permission is refused with the end date and reason, for sessions and API tokens alike.
"""

from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import Suspension, User, utcnow
from forum.parse import parse_day
from forum.policy import Permission, require, visibility
from forum.services.errors import NotFound, StateConflict, ValidationFailed
from forum.times import formatted
from moderation import audit

REASON_MIN, REASON_MAX = 5, 500
MAX_DAYS = 3650


def _member(user_id: int) -> User:
    member = db.session.get(User, user_id)
    if not visibility.is_live_account(member):
        raise NotFound(_("No such member."))
    return member


def parse_until(raw: str | date | datetime | None) -> datetime:
    """The end of a suspension: a datetime, or a date meaning 00:00 UTC that day. Must be in the future."""
    if isinstance(raw, datetime):
        until = raw.replace(tzinfo=None)
    elif isinstance(raw, date):
        until = datetime.combine(raw, time.min)
    else:
        text = (raw or "").strip()
        try:
            until = datetime.fromisoformat(text).replace(tzinfo=None) if "T" in text or " " in text else (
                datetime.combine(parse_day(text), time.min))
        except ValueError as exc:
            raise ValidationFailed(_("Please give the end date."), fields={"until": _("Use YYYY-MM-DD.")}) from exc
    now = utcnow()
    if until <= now:
        raise ValidationFailed(_("The suspension must end in the future."),
                               fields={"until": _("Pick a date after today.")})
    if (until - now).days > MAX_DAYS:
        raise ValidationFailed(_("That is too far ahead."), fields={"until": f"At most {MAX_DAYS} days from now."})
    return until


def check_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationFailed(_("Please give the reason; the member will see it."),
                               fields={"reason": f"{REASON_MIN}–{REASON_MAX} characters."})
    return reason


def active(member: User) -> Suspension | None:
    return db.session.scalar(select(Suspension).where(Suspension.user_id == member.id, Suspension.lifted_at.is_(None),
                                                      Suspension.ends_at > utcnow())
                             .order_by(Suspension.id.desc()).limit(1))


def apply(member: User, *, moderator: User, until: datetime, reason: str) -> Suspension:
    """Suspend inside the caller's transaction (the queue uses it too); it replaces a suspension in force."""
    require(moderator, Permission.MEMBER_SUSPEND, member)
    now = utcnow()
    before = {"suspended_until": formatted(member.suspended_until, "minute")} if member.is_suspended else None
    current = active(member)
    if current is not None:
        current.lifted_at, current.lifted_by_id, current.lift_reason = now, moderator.id, "replaced by a new suspension"
    suspension = Suspension(user_id=member.id, moderator_id=moderator.id, reason=reason, ends_at=until)
    db.session.add(suspension)
    member.suspended_until, member.suspension_reason = until, reason
    audit.log("member.suspend", moderator, target=audit.target_of(member), reason=reason, before=before,
              after={"suspended_until": formatted(until, "minute")}, subject=member)
    return suspension


def suspend(user_id: int, *, moderator: User, until: str | date | datetime | None, reason: str | None) -> Suspension:
    """Suspend a member until a future date with a reason they will see (moderators; not staff, not yourself)."""
    member = _member(user_id)
    require(moderator, Permission.MEMBER_SUSPEND, member)
    suspension = apply(member, moderator=moderator, until=parse_until(until), reason=check_reason(reason))
    db.session.flush()
    return suspension


def unsuspend(user_id: int, *, moderator: User, reason: str = "") -> None:
    """Lift a member's suspension now."""
    member = _member(user_id)
    require(moderator, Permission.MEMBER_SUSPEND, member)
    if not member.is_suspended:
        raise StateConflict(_("%(username)s is not suspended.", username=member.username))
    reason = " ".join((reason or "").split())[:REASON_MAX]
    current = active(member)
    if current is not None:
        current.lifted_at, current.lifted_by_id, current.lift_reason = utcnow(), moderator.id, reason
    before = {"suspended_until": formatted(member.suspended_until, "minute")}
    member.suspended_until = member.suspension_reason = None
    audit.log("member.unsuspend", moderator, target=audit.target_of(member), reason=reason, before=before,
              after={"suspended_until": None}, subject=member)
    db.session.flush()


def history(member: User) -> list[Suspension]:
    return list(db.session.scalars(select(Suspension).where(Suspension.user_id == member.id)
                                   .order_by(Suspension.created_at.desc(), Suspension.id.desc())))


def suspended_members(*, limit: int = 50) -> list[User]:
    return list(db.session.scalars(select(User).where(visibility.suspended_clause(utcnow()))
                                   .order_by(User.suspended_until).limit(limit)))
