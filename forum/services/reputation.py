"""Reputation use cases beyond votes and acceptance: bonuses, history, verification."""

from forum.extensions import db
from forum.models import User
from forum.services import ledger
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from reputation.events import RepEvent

MAX_BONUS = 10_000


def award_bonus(user_id: int, amount: int, *, reason: str, actor: User | None) -> None:
    """Grant (or, negative, remove) reputation by hand, recorded as a "bonus" ledger entry.

    Only admins may do it from the site; the CLI and tests pass actor=None.
    """
    if actor is not None and actor.role != "admin":
        raise NotAllowed("Only site admins can award reputation.")
    if not isinstance(amount, int) or amount == 0 or abs(amount) > MAX_BONUS:
        raise ValidationFailed("Please give a non-zero amount.", fields={"amount": f"1–{MAX_BONUS:,} either way."})
    if not reason or not reason.strip():
        raise ValidationFailed("Please give a reason.", fields={"reason": "Members see it in their history."})
    if db.session.get(User, user_id) is None:
        raise NotFound("No such member.")
    ledger.lock_users([user_id])
    ledger.record(RepEvent.BONUS, user_id=user_id, amount=amount, actor_id=actor.id if actor else None,
                  reason=reason.strip()[:200])
    ledger.refresh_cache([user_id])
    db.session.commit()
