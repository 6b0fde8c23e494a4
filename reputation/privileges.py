"""Privileges earned with reputation (README, "Reputation"); thresholds are data an admin can change."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from reputation.catalog import N_


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
    PrivilegeRule(Privilege.VOTE_UP, 15, N_("Vote up"), N_("Tell the community which posts are useful."),
                  N_("Voting up needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(Privilege.FLAG, 15, N_("Flag posts"), N_("Bring spam and abuse to the moderators' attention."),
                  N_("Flagging needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(
        Privilege.COMMENT_ANYWHERE, 50, N_("Comment everywhere"),
        N_("Comment on anyone's post (you can always comment on your own posts and their answers)."),
        N_("Commenting on others' posts needs %(threshold)s reputation (you have %(have)s)."),
    ),
    PrivilegeRule(Privilege.VOTE_DOWN, 125, N_("Vote down"), N_("Mark posts that are wrong or unhelpful."),
                  N_("Voting down needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(
        Privilege.CREATE_TAGS, 300, N_("Create tags"),
        N_("Add a new tag to a question; below this, choose from the existing tags."),
        N_("Creating tags needs %(threshold)s reputation (you have %(have)s)."),
    ),
    PrivilegeRule(Privilege.REVIEW_QUEUE, 500, N_("Review queue"), N_("Help moderators review flagged and new posts."),
                  N_("Reviewing posts needs %(threshold)s reputation (you have %(have)s).")),
    PrivilegeRule(
        Privilege.EDIT_OTHERS, 2000, N_("Edit others' posts"),
        N_("Edit any question or answer directly; below this your edits are suggestions."),
        N_("Editing others' posts needs %(threshold)s reputation (you have %(have)s)."),
    ),
    PrivilegeRule(Privilege.VOTE_CLOSE, 3000, N_("Vote to close"),
                  N_("Vote to close off-topic or duplicate questions."),
                  N_("Voting to close needs %(threshold)s reputation (you have %(have)s).")),
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
