"""The reputation rules table (README, "Reputation") and the functions that read it.

Every number that moves reputation lives in POINTS; code elsewhere asks these functions
which grants an action produces instead of repeating the numbers.
"""

from reputation.events import CappedGrant, Grant, PostKind, RepEvent, Role

POINTS: dict[RepEvent, int] = {
    RepEvent.JOINED: 1,
    RepEvent.QUESTION_UPVOTED: 10,
    RepEvent.ANSWER_UPVOTED: 10,
    RepEvent.QUESTION_DOWNVOTED: -2,
    RepEvent.ANSWER_DOWNVOTED: -2,
    RepEvent.DOWNVOTE_CAST: -1,
    RepEvent.ANSWER_ACCEPTED: 15,
    RepEvent.ACCEPT_GIVEN: 2,
    RepEvent.ANSWER_PUBLISHED: 25,
    RepEvent.POST_DELETED_AS_SPAM: -100,
}

LABELS: dict[RepEvent, str] = {
    RepEvent.JOINED: "joined the community",
    RepEvent.QUESTION_UPVOTED: "question upvoted",
    RepEvent.ANSWER_UPVOTED: "answer upvoted",
    RepEvent.QUESTION_DOWNVOTED: "question downvoted",
    RepEvent.ANSWER_DOWNVOTED: "answer downvoted",
    RepEvent.DOWNVOTE_CAST: "downvoted an answer",
    RepEvent.ANSWER_ACCEPTED: "answer accepted",
    RepEvent.ACCEPT_GIVEN: "accepted an answer",
    RepEvent.ANSWER_PUBLISHED: "answer published as knowledge",
    RepEvent.POST_DELETED_AS_SPAM: "post deleted as spam or offensive",
    RepEvent.BONUS: "bonus from the site team",
}

DAILY_VOTE_CAP = 200
CAPPED_EVENTS = frozenset({RepEvent.QUESTION_UPVOTED, RepEvent.ANSWER_UPVOTED})
CAPPED = "capped"
PARTLY_CAPPED = "partly capped"
MINIMUM_REPUTATION = 1


def vote_grants(kind: PostKind, value: int) -> list[Grant]:
    """Return the grants one vote of `value` (+1 or -1) on a post of `kind` produces."""
    if value == 1:
        event = RepEvent.QUESTION_UPVOTED if kind is PostKind.QUESTION else RepEvent.ANSWER_UPVOTED
        return [Grant(event, Role.AUTHOR, POINTS[event])]
    if value == -1:
        event = RepEvent.QUESTION_DOWNVOTED if kind is PostKind.QUESTION else RepEvent.ANSWER_DOWNVOTED
        grants = [Grant(event, Role.AUTHOR, POINTS[event])]
        if kind is PostKind.ANSWER:
            grants.append(Grant(RepEvent.DOWNVOTE_CAST, Role.ACTOR, POINTS[RepEvent.DOWNVOTE_CAST]))
        return grants
    return []


def vote_events(kind: PostKind) -> frozenset[RepEvent]:
    """Every event a vote on a post of `kind` can have produced (what a retraction reverses)."""
    return frozenset(g.event for value in (1, -1) for g in vote_grants(kind, value))


def accept_grants(*, self_accept: bool) -> list[Grant]:
    """Return the grants for accepting an answer; accepting your own answer earns nothing."""
    if self_accept:
        return []
    return [
        Grant(RepEvent.ANSWER_ACCEPTED, Role.AUTHOR, POINTS[RepEvent.ANSWER_ACCEPTED]),
        Grant(RepEvent.ACCEPT_GIVEN, Role.ACTOR, POINTS[RepEvent.ACCEPT_GIVEN]),
    ]


ACCEPT_EVENTS = frozenset({RepEvent.ANSWER_ACCEPTED, RepEvent.ACCEPT_GIVEN})


def apply_cap(event: RepEvent, amount: int, earned_today: int) -> CappedGrant:
    """Limit vote-earned reputation to DAILY_VOTE_CAP per UTC day.

    `earned_today` is what capped events already granted today (net of reversals). Events
    over the cap are still recorded, with delta 0 and reason "capped", so that a member's
    history explains itself.
    """
    if event not in CAPPED_EVENTS or amount <= 0:
        return CappedGrant(amount, amount, None)
    room = max(0, DAILY_VOTE_CAP - earned_today)
    if room >= amount:
        return CappedGrant(amount, amount, None)
    if room == 0:
        return CappedGrant(amount, 0, CAPPED)
    return CappedGrant(amount, room, PARTLY_CAPPED)


def balance(total: int) -> int:
    """Turn a ledger sum into the reputation members see (never below 1)."""
    return max(MINIMUM_REPUTATION, total)
