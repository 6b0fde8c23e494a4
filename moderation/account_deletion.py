"""Moderators acting on a member's own request: deleting the account for them (README, "Security": your data).

The deletion itself is the member's own (forum.services.privacy.delete_account: personal
data erased, posts kept as a former member's); this adds the moderator's checks and the
audit entry, saved in the same transaction. The entry keeps the former username and the
reason, nothing else about the member.
"""

from flask_babel import gettext as _

from forum.extensions import db
from forum.models import User
from forum.policy import Permission, require
from forum.services import privacy
from forum.services.errors import NotFound, ValidationFailed
from moderation import audit

ACTION_DELETE = "account.delete"
REASON_MIN, REASON_MAX = 5, 500


def _reason(raw: str | None) -> str:
    reason = " ".join((raw or "").replace("\x00", "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationFailed(_("Please give the reason, e.g. how the member asked."),
                               fields={"reason": f"{REASON_MIN}–{REASON_MAX} characters."})
    return reason


def delete_account(user_id: int, *, moderator: User, reason: str | None, confirmation: str | None) -> None:
    """Delete a member's account on their request, with a reason, and audit-log it.

    Raises NotFound for an unknown member, NotAllowed for staff accounts, your own account or
    an already deleted one, ValidationFailed without a reason or without the word DELETE.
    """
    member = db.session.get(User, user_id)
    if member is None:
        raise NotFound(_("No such member."))
    require(moderator, Permission.MEMBER_DELETE, member)
    reason = _reason(reason)
    if (confirmation or "").strip() != privacy.CONFIRMATION:
        raise ValidationFailed(_("Please confirm."),
                               fields={"confirmation": f"Type {privacy.CONFIRMATION} to confirm."})
    # One unit of work (the caller's): the audit entry doesn't outlive a deletion that fails.
    audit.log(ACTION_DELETE, moderator, target=audit.target_of(member), reason=reason,
              before={"username": member.username}, subject=member)
    privacy.delete_account(member, password=None, confirmation=confirmation, actor=moderator)
