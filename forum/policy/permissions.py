"""One predicate per action (docs/architecture.md, "Policy"), shared by views, the API, services and templates.

`can()` answers yes/no for templates; `require()` raises NotAllowed with a message a member
can act on (naming the privilege and its threshold when reputation is what is missing).
"""

from enum import StrEnum

from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum.models import Answer, Comment, Question, User
from forum.policy.roles import is_admin, is_moderator, is_staff, is_support
from forum.services.errors import NeedsReputation, NotAllowed
from forum.services.settings import privilege_thresholds, registration_options
from forum.times import exact
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
    THREAD_ESCALATE = "moderation:thread:escalate"
    CASE_WORK = "cases:work"
    ARTICLE_PUBLISH = "knowledge:publish"
    ARTICLE_EDIT = "knowledge:edit"
    CASE_RESPOND = "cases:respond"
    POST_FLAG = "post:flag"
    POST_SUGGEST_EDIT = "post:suggest-edit"
    VOTE_RETRACT = "vote:retract"
    MODERATE = "moderation:console"
    THREAD_CLOSE = "moderation:thread:close"
    THREAD_LOCK = "moderation:thread:lock"
    THREAD_MOVE = "moderation:thread:move"
    THREAD_MERGE = "moderation:thread:merge"
    POST_DELETE_SPAM = "moderation:post:spam"
    MEMBER_SUSPEND = "moderation:member:suspend"
    MEMBER_DELETE = "moderation:member:delete"
    PROFILE_FIELDS_MANAGE = "admin:profile-fields"
    CUSTOMER_DETAILS_VIEW = "cases:customer-details"
    POST_UNDELETE = "moderation:post:undelete"
    POST_DELETE_INVESTED = "moderation:post:delete-invested"
    POST_HIDE = "moderation:post:hide"
    WEBHOOKS_MANAGE = "admin:webhooks"
    REPUTATION_AWARD = "admin:reputation-award"
    ARTICLE_VIEW_DRAFT = "knowledge:view-draft"
    REVIEW = "review:queue"
    QUESTION_VOTE_CLOSE = "question:vote-close"
    CASE_RATE = "cases:rate"
    HELPFUL_VOTE = "helpful:vote"
    INSIGHTS_VIEW = "insights:view"
    PRODUCT_CARE_MANAGE = "admin:product-care"
    PROFILE_EDIT = "profile:edit"
    TAG_CREATE = "tag:create"


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def holds_privilege(user: User | None, privilege: Privilege) -> bool:
    """Moderators and admins hold every privilege; members earn them with reputation.

    The one place `reputation >= threshold` is written; the thresholds are the ones in force
    (admin overrides, "new community" mode).
    """
    if not _signed_in(user):
        return False
    return is_moderator(user) or user.reputation >= privilege_thresholds()[privilege]


def _privilege_refusal(user: User, privilege: Privilege) -> str | None:
    if holds_privilege(user, privilege):
        return None
    threshold = privilege_thresholds()[privilege]
    rule = rule_for(privilege)
    return _(rule.needs) % {"threshold": threshold, "have": user.reputation}


def _thread_of(obj: object) -> Question | None:
    if isinstance(obj, Question):
        return obj
    if isinstance(obj, Answer):
        return obj.question
    if isinstance(obj, Comment):
        return None
    return None


def suspension_notice(user: User) -> str | None:
    """What a suspended member is told when they try to write, naming the end date and the reason."""
    if not getattr(user, "is_suspended", False):
        return None
    if user.suspension_reason:
        return _("Your account is suspended until %(until)s. Reason: %(reason)s. You can still read everything, "
                 "but you can't post, comment, vote, flag or edit until then.",
                 until=exact(user.suspended_until), reason=user.suspension_reason)
    return _("Your account is suspended until %(until)s. No reason was given. You can still read everything, "
             "but you can't post, comment, vote, flag or edit until then.", until=exact(user.suspended_until))


# What an unconfirmed member may not do while REQUIRE_EMAIL_CONFIRMATION is on.
NEEDS_CONFIRMED_EMAIL = (Permission.QUESTION_ASK, Permission.ANSWER_POST, Permission.COMMENT_POST,
                         Permission.POST_SUGGEST_EDIT)


def confirmation_notice(user: User | None) -> str | None:
    """What a member whose email is unconfirmed is told when confirmation is required, else None."""
    if not _signed_in(user) or getattr(user, "email_confirmed_at", None) is not None:
        return None
    if not (has_app_context() and registration_options().require_email_confirmation):
        return None
    return _("Please confirm your email address before you ask, answer, comment or suggest edits: open the link "
             "we sent to %(email)s. No email? Check your spam folder, or send a new link from Settings → Email.",
             email=user.email)


def _member_action_refusal(user: User, member: User | None, *, only: str, yourself: str, staff: str) -> str | None:
    """Moderators act on members, never on themselves or on other staff through the console."""
    if not is_moderator(user):
        return only
    if member is not None and member.id == user.id:
        return yourself
    if member is not None and is_staff(member):
        return staff
    return None


MODERATOR_ONLY: dict[Permission, str] = {
    Permission.MODERATE: _l("Only moderators can open the moderator console."),
    Permission.THREAD_CLOSE: _l("Only moderators can close or reopen questions."),
    Permission.THREAD_LOCK: _l("Only moderators can lock or unlock threads."),
    Permission.THREAD_MOVE: _l("Only moderators can move questions."),
    Permission.THREAD_MERGE: _l("Only moderators can merge questions."),
    Permission.POST_DELETE_SPAM: _l("Only moderators can delete posts as spam."),
    Permission.POST_UNDELETE: _l("Only moderators can undelete."),
    Permission.POST_HIDE: _l("Only moderators hide posts at once."),
}
ADMIN_ONLY: dict[Permission, str] = {
    Permission.ADMIN_SETTINGS: _l("Only site admins can change site settings."),
    Permission.PROFILE_FIELDS_MANAGE: _l("Only site admins define customer profile fields."),
    Permission.WEBHOOKS_MANAGE: _l("Only site admins manage webhook endpoints."),
    Permission.REPUTATION_AWARD: _l("Only site admins can award reputation."),
    Permission.PRODUCT_CARE_MANAGE: _l("Only site admins set products' response targets and agents."),
}
SUPPORT_ONLY: dict[Permission, str] = {
    Permission.CUSTOMER_DETAILS_VIEW: _l("Only the support team sees customers' private details."),
    Permission.THREAD_ESCALATE: _l("Only the support team (agents, moderators, admins) can work cases."),
    Permission.CASE_WORK: _l("Only the support team (agents, moderators, admins) can work cases."),
    Permission.ARTICLE_EDIT: _l("Only agents and moderators edit knowledge articles."),
    Permission.ARTICLE_VIEW_DRAFT: _l("Only agents and moderators see draft and archived articles."),
    Permission.INSIGHTS_VIEW: _l("Only moderators, support agents and admins see the community health console."),
}


def _thread_state_refusal(user: User, perm: Permission, thread: Question | None) -> str | None:
    """Closed questions take no answers; locked threads take no answers, comments or votes."""
    if thread is None:
        return None
    if perm is Permission.ANSWER_POST and thread.closed_at is not None:
        reason = thread.close_reason_label or _("closed")
        return _("This question is closed (%(reason)s), so it doesn't take new answers.", reason=reason)
    locked_for = (Permission.ANSWER_POST, Permission.VOTE_UP, Permission.VOTE_DOWN, Permission.VOTE_RETRACT,
                  Permission.QUESTION_VOTE_CLOSE)
    if thread.locked_at is not None and (
            perm in locked_for or (perm is Permission.COMMENT_POST and not is_moderator(user))):
        return _("This thread is locked by a moderator: no new answers, comments or votes.")
    return None


def refusal(user: User | None, perm: Permission, obj: object | None = None) -> str | None:
    """Return why `user` may not do `perm` on `obj`, or None when they may."""
    if not _signed_in(user):
        return _("Please sign in first.")
    # Every permission names a write, and a suspended member may do none of them (sessions and
    # API tokens alike: both reach the services through this function).
    suspended = suspension_notice(user)
    if suspended is not None:
        return suspended
    if getattr(obj, "is_deleted", False) and not is_moderator(user):
        return _("That post has been deleted.")
    if (getattr(obj, "hidden_at", None) is not None and not is_moderator(user)
            and getattr(obj, "author_id", None) != user.id):
        return _("That post is hidden until a moderator reviews it.")
    thread_state = _thread_state_refusal(user, perm, _thread_of(obj))
    if thread_state is not None:
        return thread_state
    if perm in NEEDS_CONFIRMED_EMAIL:
        unconfirmed = confirmation_notice(user)
        if unconfirmed is not None:
            return unconfirmed
    if perm in MODERATOR_ONLY:
        return None if is_moderator(user) else str(MODERATOR_ONLY[perm])
    if perm in ADMIN_ONLY:
        return None if is_admin(user) else str(ADMIN_ONLY[perm])
    if perm in SUPPORT_ONLY:
        return None if is_support(user) else str(SUPPORT_ONLY[perm])
    match perm:
        case Permission.QUESTION_ASK | Permission.ANSWER_POST | Permission.VOTE_RETRACT:
            return None
        case Permission.POST_FLAG:
            if obj is not None and getattr(obj, "author_id", None) == user.id:
                return _("You can't flag your own post.")
            return _privilege_refusal(user, Privilege.FLAG)
        case Permission.POST_SUGGEST_EDIT:
            if obj is not None and (obj.author_id == user.id or is_moderator(user)):
                return _("You can edit this post directly.")
            if _privilege_refusal(user, Privilege.EDIT_OTHERS) is None:
                return _("You can edit this post directly.")
            return None
        case Permission.MEMBER_SUSPEND:
            return _member_action_refusal(
                user, obj, only=_("Only moderators can suspend members."), yourself=_("You can't suspend yourself."),
                staff=_("Staff accounts can't be suspended; an admin can change their role first."))
        case Permission.MEMBER_DELETE:
            refused = _member_action_refusal(
                user, obj, only=_("Only moderators can delete someone else's account."),
                yourself=_("You can't delete your own account here; use Settings → Your data."),
                staff=_("Staff accounts can't be deleted here; an admin can change their role first."))
            if refused is None and obj is not None and obj.deleted_at is not None:
                return _("This account is already deleted.")
            return refused
        case Permission.COMMENT_POST:
            own = obj is not None and obj.author_id == user.id
            thread = _thread_of(obj)
            if own or (thread is not None and thread.author_id == user.id) or is_moderator(user):
                return None
            return _privilege_refusal(user, Privilege.COMMENT_ANYWHERE)
        case Permission.POST_EDIT:
            if (obj is not None and obj.author_id == user.id) or is_moderator(user):
                return None
            return _privilege_refusal(user, Privilege.EDIT_OTHERS)
        case Permission.COMMENT_DELETE:
            if is_moderator(user) or (obj is not None and obj.author_id == user.id):
                return None
            return _("Only the author or a moderator can delete this comment.")
        case Permission.POST_DELETE:
            if is_moderator(user):
                return None
            if obj is None or obj.author_id != user.id:
                return _("Only the author or a moderator can delete this post.")
            return None
        case Permission.VOTE_UP | Permission.VOTE_DOWN:
            if obj is not None and obj.author_id == user.id:
                return _("You can't vote on your own post.")
            privilege = Privilege.VOTE_UP if perm is Permission.VOTE_UP else Privilege.VOTE_DOWN
            return _privilege_refusal(user, privilege)
        case Permission.ANSWER_ACCEPT:
            if obj is None or obj.question.author_id != user.id:
                return _("Only the person who asked can accept an answer.")
            return None
        case Permission.REVIEW:
            return _privilege_refusal(user, Privilege.REVIEW_QUEUE)
        case Permission.QUESTION_VOTE_CLOSE:
            if isinstance(obj, Question) and obj.closed_at is not None:
                return _("This question is already closed.")
            return _privilege_refusal(user, Privilege.VOTE_CLOSE)
        case Permission.ARTICLE_PUBLISH:
            return None if is_moderator(user) else _("Only moderators publish answers as knowledge articles.")
        case Permission.POST_DELETE_INVESTED:
            if is_moderator(user):
                return None
            if isinstance(obj, Answer):
                return _("You can't delete an accepted answer.")
            return _("You can't delete this question: others have invested in answering it. "
                     "Flag it for a moderator if it must go.")
        case Permission.CASE_RATE:
            if obj is not None and getattr(obj, "customer_id", None) == user.id:
                return None
            return _("Only the person who asked can answer this survey.")
        case Permission.HELPFUL_VOTE:
            return None
        case Permission.CASE_RESPOND:
            if obj is not None and getattr(obj, "customer_id", None) == user.id:
                return None
            return _("Only the person who asked can respond to this case.")
        case Permission.TAG_CREATE:
            # Staff tag what they write (knowledge articles, answers for customers) without earning it.
            if is_support(user) or holds_privilege(user, Privilege.CREATE_TAGS):
                return None
            if isinstance(obj, str):
                threshold = privilege_thresholds()[Privilege.CREATE_TAGS]
                return _("Creating the tag ‘%(tag)s’ needs %(threshold)s reputation; choose an existing tag.",
                         tag=obj, threshold=threshold)
            return _privilege_refusal(user, Privilege.CREATE_TAGS)
        case Permission.PROFILE_EDIT:
            if obj is None or getattr(obj, "id", None) == user.id:
                return None
            return _("You can only change your own profile.")
    return _("Not allowed.")


def can(user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
    return refusal(user, Permission(perm), obj) is None


# The permissions members earn with reputation, and the privilege each needs.
EARNED: dict[Permission, Privilege] = {
    Permission.VOTE_UP: Privilege.VOTE_UP,
    Permission.VOTE_DOWN: Privilege.VOTE_DOWN,
    Permission.POST_FLAG: Privilege.FLAG,
    Permission.COMMENT_POST: Privilege.COMMENT_ANYWHERE,
}


def needs_reputation(user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
    """True when reputation is all that stands between `user` and `perm` on `obj`.

    Pages then show the control anyway, and a click explains the privilege and how to earn
    it, instead of the control vanishing with no reason.
    """
    if not _signed_in(user):
        return False  # a visitor is told to sign in, whatever the reputation rule
    perm = Permission(perm)
    return _for_want_of_reputation(user, perm, refusal(user, perm, obj))


def _for_want_of_reputation(user: User, perm: Permission, reason: str | None) -> bool:
    privilege = EARNED.get(perm)
    return reason is not None and privilege is not None and reason == _privilege_refusal(user, privilege)


def offered(user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
    """Show the control: the member may use it, or may once they have the reputation."""
    return can(user, perm, obj) or needs_reputation(user, perm, obj)


class PageDecisions:
    """The answers of `refusal` for one page, each question asked once.

    A thread asks the same thing of a post several times (offer the vote button? is reputation
    what is missing? show the form?); templates ask through this, so each (viewer, permission,
    object) is decided once per request by the one permission function. Objects are kept with
    their answers, so an id seen here stays theirs for the request.
    """

    def __init__(self) -> None:
        self._answers: dict[tuple[int, Permission, int], tuple[object, object, str | None]] = {}

    def refusal(self, user: User | None, perm: Permission | str, obj: object | None = None) -> str | None:
        perm = Permission(perm)
        key = (id(user), perm, id(obj))
        known = self._answers.get(key)
        if known is None or known[0] is not user or known[1] is not obj:
            known = self._answers[key] = (user, obj, refusal(user, perm, obj))
        return known[2]

    def can(self, user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
        return self.refusal(user, perm, obj) is None

    def needs_reputation(self, user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
        if not _signed_in(user):
            return False
        return _for_want_of_reputation(user, Permission(perm), self.refusal(user, perm, obj))

    def offered(self, user: User | None, perm: Permission | str, obj: object | None = None) -> bool:
        return self.can(user, perm, obj) or self.needs_reputation(user, perm, obj)


def require(user: User | None, perm: Permission, obj: object | None = None) -> None:
    """Raise NotAllowed with the reason when `user` may not do `perm` (NeedsReputation for want of reputation)."""
    reason = refusal(user, perm, obj)
    if reason is not None:
        raise NeedsReputation(reason) if needs_reputation(user, perm, obj) else NotAllowed(reason)
