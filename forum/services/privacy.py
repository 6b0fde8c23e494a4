"""Members' control over their data (README, "Security": your data): export everything, delete the account.

Other features add their own parts of the export with `export_section`, so the export stays
complete as the product grows (notifications, cases where the member is the customer…).
"""

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from forum.extensions import db
from forum.models import (
    Answer,
    ApiToken,
    BadgeAward,
    Comment,
    Question,
    ReputationEntry,
    Revision,
    Role,
    User,
    UserSession,
    Vote,
    utcnow,
)
from forum.policy import Permission, require, visibility
from forum.services.accounts import require_password, unusable_password, username_key
from forum.services.errors import ValidationFailed
from forum.services.events import Event, emit

FORMER_MEMBER = "former-member-{id}"
CONFIRMATION = "DELETE"

Section = Callable[[int], object]
_sections: dict[str, Section] = {}


def export_section(name: str) -> Callable[[Section], Section]:
    """Register a function adding `name` to a member's export: fn(user_id) -> JSON-able data."""

    def register(fn: Section) -> Section:
        _sections[name] = fn
        return fn

    return register


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") + "Z" if when else None


def _revisions(column, post_id: int) -> list[dict]:
    return [{"number": r.number, "title": r.title, "tags": r.tags, "body": r.body_md, "comment": r.comment,
             "created_at": _iso(r.created_at)}
            for r in db.session.scalars(select(Revision).where(column == post_id).order_by(Revision.number))]


def export(user: User) -> dict:
    """Everything the member put in or that is about them; nothing private to other people."""
    data: dict = {
        "format": "peercare-export/1",
        "exported_at": _iso(utcnow()),
        "profile": {"id": user.id, "username": user.username, "email": user.email, "about": user.about,
                    "role": user.role, "reputation": user.reputation, "created_at": _iso(user.created_at)},
        "questions": [
            {"id": q.id, "title": q.title, "body": q.body_md, "tags": [t.name for t in q.tags],
             "product": q.product.slug, "score": q.score, "created_at": _iso(q.created_at),
             "deleted_at": _iso(q.deleted_at), "revisions": _revisions(Revision.question_id, q.id)}
            for q in db.session.scalars(select(Question).where(Question.author_id == user.id).order_by(Question.id))],
        "answers": [
            {"id": a.id, "question_id": a.question_id, "body": a.body_md, "score": a.score,
             "created_at": _iso(a.created_at), "deleted_at": _iso(a.deleted_at),
             "revisions": _revisions(Revision.answer_id, a.id)}
            for a in db.session.scalars(select(Answer).where(Answer.author_id == user.id).order_by(Answer.id))],
        "comments": [
            {"id": c.id, "question_id": c.question_id, "answer_id": c.answer_id, "body": c.body,
             "created_at": _iso(c.created_at)}
            for c in db.session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))],
        "votes": [
            {"question_id": v.question_id, "answer_id": v.answer_id, "value": v.value, "created_at": _iso(v.created_at)}
            for v in db.session.scalars(select(Vote).where(Vote.user_id == user.id).order_by(Vote.id))],
        "reputation": [
            {"event": e.event, "delta": e.delta, "reason": e.reason, "question_id": e.question_id,
             "answer_id": e.answer_id, "reverses": e.reverses_id, "created_at": _iso(e.created_at)}
            for e in db.session.scalars(select(ReputationEntry).where(ReputationEntry.user_id == user.id)
                                        .order_by(ReputationEntry.id))],
        "badges": [{"badge": b.badge, "awarded_at": _iso(b.awarded_at)}
                   for b in db.session.scalars(select(BadgeAward).where(BadgeAward.user_id == user.id))],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": _iso(t.created_at),
                        "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
                       for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))],
    }
    for name, section in sorted(_sections.items()):
        data[name] = section(user.id)
    return data


def delete_account(user: User, *, password: str | None, confirmation: str, actor: User | None = None,
                   reauthenticated: bool = False) -> None:
    """Erase the member's personal data and close the account; their posts and votes stay.

    Posts show as a former member, votes keep counting, the reputation ledger stays attached
    to the anonymous account. A member confirms with their password and the word DELETE (a
    member without a password, who signs in with single sign-on, by having just signed in
    again: `reauthenticated`); a moderator acting on a member's request (actor) confirms with
    the word only.
    """
    if not visibility.is_live_account(user):
        raise ValidationFailed(_("This account is already deleted."))
    if actor is not None and actor.id != user.id:
        require(actor, Permission.MEMBER_DELETE, user)
    elif user.has_password:
        require_password(user, password or "", "password")
    elif not reauthenticated:
        raise ValidationFailed(_("Please confirm it's you."),
                               fields={"password": _("Sign in again with your company account, then delete.")})
    if (confirmation or "").strip() != CONFIRMATION:
        raise ValidationFailed(_("Please confirm."), fields={"confirmation": f"Type {CONFIRMATION} to confirm."})
    placeholder = FORMER_MEMBER.format(id=user.id)
    user.username, user.username_key = placeholder, username_key(placeholder)
    user.email = f"{placeholder}@deleted.invalid"
    user.about = ""
    user.password_hash = unusable_password()
    user.auth_version += 1
    user.role = Role.MEMBER
    user.deleted_at = utcnow()
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    emit(Event.ACCOUNT_DELETED, user_id=user.id, actor_id=actor.id if actor else user.id)
    db.session.flush()
