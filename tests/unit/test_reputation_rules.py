"""The pure reputation domain: rules table, cap, privileges, badges."""

import pytest

from reputation import rules
from reputation.badges import BY_KEY, BadgeKey, accepted_count_badges, answer_score_badges, source_for
from reputation.events import PostKind, RepEvent, Role
from reputation.privileges import DEFAULT_THRESHOLDS, Privilege, effective_thresholds, has_privilege


@pytest.mark.parametrize(("event", "points"), [
    (RepEvent.QUESTION_UPVOTED, 10), (RepEvent.ANSWER_UPVOTED, 10), (RepEvent.QUESTION_DOWNVOTED, -2),
    (RepEvent.ANSWER_DOWNVOTED, -2), (RepEvent.DOWNVOTE_CAST, -1), (RepEvent.ANSWER_ACCEPTED, 15),
    (RepEvent.ACCEPT_GIVEN, 2), (RepEvent.ANSWER_PUBLISHED, 25), (RepEvent.POST_DELETED_AS_SPAM, -100),
    (RepEvent.JOINED, 1),
])
def test_rules_table_matches_the_design(event, points):
    assert rules.POINTS[event] == points
    assert rules.LABELS[event]


def test_upvote_grants_ten_to_the_author_only():
    assert rules.vote_grants(PostKind.ANSWER, 1) == [rules.Grant(RepEvent.ANSWER_UPVOTED, Role.AUTHOR, 10)]
    assert rules.vote_grants(PostKind.QUESTION, 1) == [rules.Grant(RepEvent.QUESTION_UPVOTED, Role.AUTHOR, 10)]


def test_downvoting_an_answer_costs_the_voter_one_but_a_question_costs_nothing():
    answer = rules.vote_grants(PostKind.ANSWER, -1)
    assert [(g.event, g.role, g.amount) for g in answer] == [
        (RepEvent.ANSWER_DOWNVOTED, Role.AUTHOR, -2), (RepEvent.DOWNVOTE_CAST, Role.ACTOR, -1)]
    assert [g.role for g in rules.vote_grants(PostKind.QUESTION, -1)] == [Role.AUTHOR]
    assert rules.vote_grants(PostKind.ANSWER, 0) == []


def test_accept_grants_and_self_accept():
    assert [(g.event, g.amount) for g in rules.accept_grants(self_accept=False)] == [
        (RepEvent.ANSWER_ACCEPTED, 15), (RepEvent.ACCEPT_GIVEN, 2)]
    assert rules.accept_grants(self_accept=True) == []


@pytest.mark.parametrize(("earned", "expected"), [
    (0, (10, 10, None)), (190, (10, 10, None)), (195, (10, 5, rules.PARTLY_CAPPED)),
    (200, (10, 0, rules.CAPPED)), (250, (10, 0, rules.CAPPED)),
])
def test_daily_cap_limits_vote_reputation(earned, expected):
    granted = rules.apply_cap(RepEvent.ANSWER_UPVOTED, 10, earned)
    assert (granted.amount, granted.delta, granted.reason) == expected


def test_cap_exempts_accepts_and_penalties():
    assert rules.apply_cap(RepEvent.ANSWER_ACCEPTED, 15, 500).delta == 15
    assert rules.apply_cap(RepEvent.ANSWER_DOWNVOTED, -2, 500).delta == -2


def test_balance_floors_at_one():
    assert rules.balance(-40) == 1
    assert rules.balance(57) == 57


def test_privilege_defaults_overrides_and_new_community_mode():
    assert DEFAULT_THRESHOLDS == {
        Privilege.VOTE_UP: 15, Privilege.FLAG: 15, Privilege.COMMENT_ANYWHERE: 50, Privilege.VOTE_DOWN: 125,
        Privilege.CREATE_TAGS: 300, Privilege.REVIEW_QUEUE: 500, Privilege.EDIT_OTHERS: 2000, Privilege.VOTE_CLOSE: 3000}
    custom = effective_thresholds({"vote_down": 200})
    assert custom[Privilege.VOTE_DOWN] == 200
    small = effective_thresholds({"vote_down": 200}, new_community=True)
    assert small[Privilege.VOTE_DOWN] == 20
    assert small[Privilege.VOTE_UP] == 1
    assert small[Privilege.CREATE_TAGS] == 30
    assert has_privilege(15, Privilege.VOTE_UP, DEFAULT_THRESHOLDS)
    assert not has_privilege(14, Privilege.VOTE_UP, DEFAULT_THRESHOLDS)


def test_answer_score_badges_at_thresholds():
    assert answer_score_badges(9) == []
    assert answer_score_badges(10) == [BadgeKey.NICE_ANSWER]
    assert answer_score_badges(100) == [BadgeKey.NICE_ANSWER, BadgeKey.GOOD_ANSWER, BadgeKey.GREAT_ANSWER]
    assert accepted_count_badges(9) == []
    assert accepted_count_badges(10) == [BadgeKey.HELPER]


def test_badge_sources_make_per_post_badges_repeatable_and_others_once():
    assert source_for(BadgeKey.NICE_ANSWER, 7) == "answer:7"
    assert source_for(BadgeKey.FIRST_ANSWER, 7) == ""
    assert all(badge.name and badge.description for badge in BY_KEY.values())
