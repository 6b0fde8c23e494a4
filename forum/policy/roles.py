"""Roles and the sets of roles that hold powers: the only place a role is named.

Four sets, each for one kind of power:

- `MODERATORS` (moderators, admins) keep the community: close, lock, move, merge, delete and
  undelete anything, hide and suspend, see deleted and hidden posts, publish articles.
- `SUPPORT_TEAM` (agents, moderators, admins) work cases, escalate threads, edit knowledge
  articles and read customers' private details.
- `STAFF` is the same people as the support team: every account the company runs. Staff need
  two-factor sign-in, may use a password when single sign-on is required, are exempt from the
  new-member spam limits and the posting rate limits, and their edits of other people's posts
  are audit-logged. Before this module, "staff" had four definitions (agents out in the rate
  limits and the old permission module, in for the spam limits and the audit hook); agents are
  company employees posting as the company, so they count as staff everywhere, and the powers
  that must stay with moderators are granted to `MODERATORS`, not to "staff".
- `ADMINS` change site settings, manage webhooks and profile fields, award reputation.
"""

from sqlalchemy import ColumnElement

from forum.models import Role, User

MODERATORS: frozenset[Role] = frozenset({Role.MODERATOR, Role.ADMIN})
SUPPORT_TEAM: frozenset[Role] = frozenset({Role.AGENT, Role.MODERATOR, Role.ADMIN})
STAFF: frozenset[Role] = SUPPORT_TEAM
ADMINS: frozenset[Role] = frozenset({Role.ADMIN})


def _role(user: object | None) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "role", None)


def in_roles(user: object | None, roles: frozenset[Role]) -> bool:
    """Whether a signed-in `user` has one of `roles` (visitors have none)."""
    return _role(user) in roles


def is_moderator(user: object | None) -> bool:
    return in_roles(user, MODERATORS)


def is_support(user: object | None) -> bool:
    return in_roles(user, SUPPORT_TEAM)


def is_staff(user: object | None) -> bool:
    return in_roles(user, STAFF)


def is_admin(user: object | None) -> bool:
    return in_roles(user, ADMINS)


def role_clause(roles: frozenset[Role]) -> ColumnElement[bool]:
    """The SQL test "this member has one of `roles`" (for lists of people who can take a case)."""
    return User.role.in_(sorted(roles))
