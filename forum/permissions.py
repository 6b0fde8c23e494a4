"""One predicate per action (DESIGN §1), shared by views, the API, services and templates.

`can()` answers yes/no for templates; `require()` raises NotAllowed with a message a member
can act on (naming the privilege and its threshold when reputation is what is missing).
"""

from enum import StrEnum

from forum.models import Answer, Comment, Question, Role, User
from forum.services.errors import NotAllowed
from forum.services.settings import privilege_thresholds
from reputation.privileges import Privilege, rule_for


class Permission(StrEnum):
    QUESTION_ASK = "question:ask"
    ANSWER_POST = "answer:post"
    COMMENT_POST = "comment:post"
    COMMENT_DELETE = "comment:delete"
    POST_EDIT = "post:edit"
    POST_DELETE = "post:delete"
    VOTE_UP = "vote:up"
    VOTE_DOWN = "vote:down"
    ANSWER_ACCEPT = "answer:accept"
    ADMIN_SETTINGS = "admin:settings"


STAFF_ROLES = (Role.MODERATOR, Role.ADMIN)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _is_moderator(user: User) -> bool:
    return user.role in STAFF_ROLES


def _privilege_refusal(user: User, privilege: Privilege) -> str | None:
    """Moderators and admins hold every privilege; members earn them with reputation."""
    if _is_moderator(user):
        return None
    threshold = privilege_thresholds()[privilege]
    if user.reputation >= threshold:
        return None
    rule = rule_for(privilege)
    return f"“{rule.label}” needs {threshold} reputation; you have {user.reputation}."


def _thread_of(obj: object) -> Question | None:
    if isinstance(obj, Question):
        return obj
    if isinstance(obj, Answer):
        return obj.question
    if isinstance(obj, Comment):
        return None
    return None


def refusal(user: User | None, perm: Permission, obj: object | None = None) -> str | None:
    """Return why `user` may not do `perm` on `obj`, or None when they may."""
    if not _signed_in(user):
        return "Please sign in first."
    if getattr(obj, "is_deleted", False) and not _is_moderator(user):
        return "That post has been deleted."
    match perm:
        case Permission.QUESTION_ASK | Permission.ANSWER_POST:
            return None
        case Permission.COMMENT_POST:
            own = obj is not None and obj.author_id == user.id
            thread = _thread_of(obj)
            if own or (thread is not None and thread.author_id == user.id) or _is_moderator(user):
                return None
            return _privilege_refusal(user, Privilege.COMMENT_ANYWHERE)
        case Permission.POST_EDIT:
            if (obj is not None and obj.author_id == user.id) or _is_moderator(user):
                return None
            return _privilege_refusal(user, Privilege.EDIT_OTHERS)
        case Permission.COMMENT_DELETE:
            if _is_moderator(user) or (obj is not None and obj.author_id == user.id):
                return None
            return "Only the author or a moderator can delete this comment."
        case Permission.POST_DELETE:
            if _is_moderator(user):
                return None
            if obj is None or obj.author_id != user.id:
                return "Only the author or a moderator can delete this post."
            return None
        case Permission.VOTE_UP | Permission.VOTE_DOWN:
            if obj is not None and obj.author_id == user.id:
                return "You can't vote on your own post."
            privilege = Privilege.VOTE_UP if perm is Permission.VOTE_UP else Privilege.VOTE_DOWN
            return _privilege_refusal(user, privilege)
        case Permission.ANSWER_ACCEPT:
            if obj is None or obj.question.author_id != user.id:
                return "Only the person who asked can accept an answer."
            return None
        case Permission.ADMIN_SETTINGS:
            return None if user.role == Role.ADMIN else "Only site admins can change site settings."
    return "Not allowed."


def can(user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
    return refusal(user, Permission(perm), obj) is None


def require(user: User | None, perm: Permission, obj: object | None = None) -> None:
    """Raise NotAllowed with the reason when `user` may not do `perm`."""
    reason = refusal(user, perm, obj)
    if reason is not None:
        raise NotAllowed(reason)
