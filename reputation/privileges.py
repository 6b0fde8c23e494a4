"""Privileges earned with reputation (README, "Reputation"); thresholds are data an admin can change."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


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
    # The action the privilege allows, as the subject of "… needs 15 reputation".
    doing: str


RULES: tuple[PrivilegeRule, ...] = (
    PrivilegeRule(Privilege.VOTE_UP, 15, "Vote up", "Tell the community which posts are useful.", "Voting up"),
    PrivilegeRule(Privilege.FLAG, 15, "Flag posts", "Bring spam and abuse to the moderators' attention.", "Flagging"),
    PrivilegeRule(
        Privilege.COMMENT_ANYWHERE, 50, "Comment everywhere",
        "Comment on anyone's post (you can always comment on your own posts and their answers).",
        "Commenting on others' posts",
    ),
    PrivilegeRule(Privilege.VOTE_DOWN, 125, "Vote down", "Mark posts that are wrong or unhelpful.", "Voting down"),
    PrivilegeRule(
        Privilege.CREATE_TAGS, 300, "Create tags",
        "Add a new tag to a question; below this, choose from the existing tags.", "Creating tags",
    ),
    PrivilegeRule(Privilege.REVIEW_QUEUE, 500, "Review queue", "Help moderators review flagged and new posts.",
                  "Reviewing posts"),
    PrivilegeRule(
        Privilege.EDIT_OTHERS, 2000, "Edit others' posts",
        "Edit any question or answer directly; below this your edits are suggestions.", "Editing others' posts",
    ),
    PrivilegeRule(Privilege.VOTE_CLOSE, 3000, "Vote to close", "Vote to close off-topic or duplicate questions.",
                  "Voting to close"),
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
