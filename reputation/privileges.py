"""Privileges earned with reputation (README, "Reputation"); thresholds are data an admin can change."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Privilege(StrEnum):
    VOTE_UP = "vote_up"
    FLAG = "flag"
    COMMENT_ANYWHERE = "comment_anywhere"
    VOTE_DOWN = "vote_down"
    CREATE_TAGS = "create_tags"
    REVIEW_QUEUE = "review_queue"
    EDIT_OTHERS = "edit_others"
    VOTE_CLOSE = "vote_close"


@dataclass(frozen=True)
class PrivilegeRule:
    privilege: Privilege
    threshold: int
    label: str
    description: str
    # The refusal a member below the threshold reads, with %(threshold)s and %(have)s: a whole
    # sentence per privilege, so translators never glue an action to "needs … reputation".
    needs: str


RULES: tuple[PrivilegeRule, ...] = (
    PrivilegeRule(Privilege.VOTE_UP, 15, _l("Vote up"), _l("Tell the community which posts are useful."),
                  _l("Voting up needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(Privilege.FLAG, 15, _l("Flag posts"), _l("Bring spam and abuse to the moderators' attention."),
                  _l("Flagging needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(
        Privilege.COMMENT_ANYWHERE, 50, _l("Comment everywhere"),
        _l("Comment on anyone's post (you can always comment on your own posts and their answers)."),
        _l("Commenting on others' posts needs %(threshold)s reputation (you have %(have)s)."),
    ),
    PrivilegeRule(Privilege.VOTE_DOWN, 125, _l("Vote down"), _l("Mark posts that are wrong or unhelpful."),
                  _l("Voting down needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(
        Privilege.CREATE_TAGS, 300, _l("Create tags"),
        _l("Add a new tag to a question; below this, choose from the existing tags."),
        _l("Creating tags needs %(threshold)s reputation (you have %(have)s)."),
    ),
    PrivilegeRule(Privilege.REVIEW_QUEUE, 500, _l("Review queue"), _l("Help moderators review flagged and new posts."),
                  _l("Reviewing posts needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(
        Privilege.EDIT_OTHERS, 2000, _l("Edit others' posts"),
        _l("Edit any question or answer directly; below this your edits are suggestions."),
        _l("Editing others' posts needs %(threshold)s reputation (you have %(have)s)."),
    ),
    PrivilegeRule(Privilege.VOTE_CLOSE, 3000, _l("Vote to close"),
                  _l("Vote to close off-topic or duplicate questions."),
                  _l("Voting to close needs %(threshold)s reputation (you have %(have)s).")),
)

DEFAULT_THRESHOLDS: dict[Privilege, int] = {rule.privilege: rule.threshold for rule in RULES}
NEW_COMMUNITY_DIVISOR = 10


def effective_thresholds(
    overrides: Mapping[str, int] | None = None, *, new_community: bool = False
) -> dict[Privilege, int]:
    """Merge admin overrides over the defaults, then apply "new community" mode (÷10, at least 1)."""
    result = dict(DEFAULT_THRESHOLDS)
    for key, value in (overrides or {}).items():
        result[Privilege(key)] = int(value)
    if new_community:
        result = {p: max(1, t // NEW_COMMUNITY_DIVISOR) for p, t in result.items()}
    return result


def has_privilege(reputation: int, privilege: Privilege, thresholds: Mapping[Privilege, int]) -> bool:
    return reputation >= thresholds[privilege]


def rule_for(privilege: Privilege) -> PrivilegeRule:
    return next(rule for rule in RULES if rule.privilege is privilege)
