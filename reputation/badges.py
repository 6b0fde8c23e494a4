"""Badge definitions (README, "Reputation") and the pure decisions of when one is earned."""

from dataclasses import dataclass
from enum import StrEnum

from reputation.catalog import N_


class Tier(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class BadgeKey(StrEnum):
    FIRST_QUESTION = "first_question"
    FIRST_ANSWER = "first_answer"
    FIRST_ACCEPT = "first_accept"
    FIRST_VOTE = "first_vote"
    NICE_ANSWER = "nice_answer"
    GOOD_ANSWER = "good_answer"
    GREAT_ANSWER = "great_answer"
    SOLUTION = "solution"
    KNOWLEDGE_AUTHOR = "knowledge_author"
    HELPER = "helper"


@dataclass(frozen=True)
class Badge:
    key: BadgeKey
    name: str
    tier: Tier
    description: str
    per_post: bool = False


BADGES: tuple[Badge, ...] = (
    Badge(BadgeKey.FIRST_QUESTION, N_("Curious"), Tier.BRONZE, N_("Asked a first question.")),
    Badge(BadgeKey.FIRST_ANSWER, N_("Helping hand"), Tier.BRONZE, N_("Posted a first answer.")),
    Badge(BadgeKey.FIRST_ACCEPT, N_("Loop closer"), Tier.BRONZE, N_("Accepted an answer to their own question.")),
    Badge(BadgeKey.FIRST_VOTE, N_("Supporter"), Tier.BRONZE, N_("Cast a first vote.")),
    Badge(BadgeKey.NICE_ANSWER, N_("Nice answer"), Tier.BRONZE, N_("An answer reached a score of 10."), per_post=True),
    Badge(BadgeKey.GOOD_ANSWER, N_("Good answer"), Tier.SILVER, N_("An answer reached a score of 25."), per_post=True),
    Badge(BadgeKey.GREAT_ANSWER, N_("Great answer"), Tier.GOLD, N_("An answer reached a score of 100."), per_post=True),
    Badge(BadgeKey.SOLUTION, N_("Solution"), Tier.BRONZE, N_("An answer was accepted by the asker."), per_post=True),
    Badge(BadgeKey.KNOWLEDGE_AUTHOR, N_("Knowledge author"), Tier.SILVER,
          N_("An answer was published as a knowledge article."), per_post=True),
    Badge(BadgeKey.HELPER, N_("Helper"), Tier.GOLD, N_("Ten answers accepted.")),
)
BY_KEY = {badge.key: badge for badge in BADGES}

ANSWER_SCORE_BADGES: tuple[tuple[int, BadgeKey], ...] = (
    (10, BadgeKey.NICE_ANSWER), (25, BadgeKey.GOOD_ANSWER), (100, BadgeKey.GREAT_ANSWER),
)
HELPER_ACCEPTED = 10


def answer_score_badges(score: int) -> list[BadgeKey]:
    """Badges an answer with this score has earned (never taken back when the score drops)."""
    return [key for threshold, key in ANSWER_SCORE_BADGES if score >= threshold]


def accepted_count_badges(accepted_answers: int) -> list[BadgeKey]:
    return [BadgeKey.HELPER] if accepted_answers >= HELPER_ACCEPTED else []


def source_for(key: BadgeKey, post_id: int | None) -> str:
    """The uniqueness key of an award: per-post badges once per answer, the rest once ever."""
    return f"answer:{post_id}" if BY_KEY[key].per_post else ""
