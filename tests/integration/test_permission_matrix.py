"""Every cell of role × permission × object state, written out: who may do what to a question
(or its answer, comment, case, or member) that is open, closed, locked, deleted or hidden.

Columns (one character each, `y` allowed, `-` refused):

    V  visitor                      S   suspended member (3,000 reputation)
    N  new member (1 reputation)    U   unconfirmed member (3,000) while confirmation is required
    15 50 125 500 2k 3k             a   the question's author (1 reputation)
       members at each privilege    g   support agent (1)   m  moderator (1)   A  admin (1)
       threshold

A row keyed "*" is the answer in every state (the permission is about the site, a member or a
case, not about the thread). For answers and comments, closed and locked are the thread's state,
deleted and hidden the answer's or the comment's own.
"""

from datetime import timedelta

import pytest

from forum.models import Answer, Case, Comment, Question, Role, User, utcnow
from forum.policy import Permission, can, refusal
from forum.services import settings

ACTORS = ("V", "N", "15", "50", "125", "500", "2k", "3k", "S", "U", "a", "g", "m", "A")
STATES = ("open", "closed", "locked", "deleted", "hidden")
P = Permission
MODS = "------------yy"
SUPPORT = "-----------yyy"
ADMIN = "-------------y"
NOBODY = "--------------"
OWN_OR_MOD = "----------y-yy"

EXPECTED: dict[Permission, dict[str, str]] = {
    #                        V N 1 5 1 5 2 3 S U a g m A
    P.QUESTION_ASK: {"*": "-yyyyyyy--yyyy"},
    P.ANSWER_POST: {"open": "-yyyyyyy--yyyy", "closed": NOBODY, "locked": NOBODY,
                    "deleted": MODS, "hidden": OWN_OR_MOD},
    P.COMMENT_POST: {"open": "---yyyyy--y-yy", "closed": "---yyyyy--y-yy", "locked": MODS,
                     "deleted": MODS, "hidden": OWN_OR_MOD},
    P.COMMENT_DELETE: {"open": OWN_OR_MOD, "closed": OWN_OR_MOD, "locked": OWN_OR_MOD,
                       "deleted": MODS, "hidden": OWN_OR_MOD},
    P.POST_EDIT: {"open": "------yy-yy-yy", "closed": "------yy-yy-yy", "locked": "------yy-yy-yy",
                  "deleted": MODS, "hidden": OWN_OR_MOD},
    P.POST_DELETE: {"open": OWN_OR_MOD, "closed": OWN_OR_MOD, "locked": OWN_OR_MOD,
                    "deleted": MODS, "hidden": OWN_OR_MOD},
    P.VOTE_UP: {"open": "--yyyyyy-y--yy", "closed": "--yyyyyy-y--yy", "locked": NOBODY,
                "deleted": MODS, "hidden": MODS},
    P.VOTE_DOWN: {"open": "----yyyy-y--yy", "closed": "----yyyy-y--yy", "locked": NOBODY,
                  "deleted": MODS, "hidden": MODS},
    P.VOTE_RETRACT: {"open": "-yyyyyyy-yyyyy", "closed": "-yyyyyyy-yyyyy", "locked": NOBODY,
                     "deleted": MODS, "hidden": OWN_OR_MOD},
    P.ANSWER_ACCEPT: {"open": "----------y---", "closed": "----------y---", "locked": "----------y---",
                      "deleted": NOBODY, "hidden": NOBODY},
    P.POST_FLAG: {"open": "--yyyyyy-y--yy", "closed": "--yyyyyy-y--yy", "locked": "--yyyyyy-y--yy",
                  "deleted": MODS, "hidden": MODS},
    P.POST_SUGGEST_EDIT: {"open": "-yyyyy-----y--", "closed": "-yyyyy-----y--", "locked": "-yyyyy-----y--",
                          "deleted": NOBODY, "hidden": NOBODY},
    P.QUESTION_VOTE_CLOSE: {"open": "-------y-y--yy", "closed": NOBODY, "locked": NOBODY,
                            "deleted": MODS, "hidden": MODS},
    P.REVIEW: {"*": "-----yyy-y--yy"},
    P.MODERATE: {"*": MODS},
    P.THREAD_CLOSE: dict.fromkeys(STATES, MODS),
    P.THREAD_LOCK: dict.fromkeys(STATES, MODS),
    P.THREAD_MOVE: dict.fromkeys(STATES, MODS),
    P.THREAD_MERGE: dict.fromkeys(STATES, MODS),
    P.POST_DELETE_SPAM: dict.fromkeys(STATES, MODS),
    P.POST_UNDELETE: dict.fromkeys(STATES, MODS),
    P.POST_DELETE_INVESTED: dict.fromkeys(STATES, MODS),
    P.POST_HIDE: dict.fromkeys(STATES, MODS),
    P.MEMBER_SUSPEND: {"*": MODS},
    P.MEMBER_DELETE: {"*": MODS},
    P.ARTICLE_PUBLISH: {"*": MODS},
    P.THREAD_ESCALATE: {"*": SUPPORT},
    P.CASE_WORK: {"*": SUPPORT},
    P.ARTICLE_EDIT: {"*": SUPPORT},
    P.ARTICLE_VIEW_DRAFT: {"*": SUPPORT},
    P.CUSTOMER_DETAILS_VIEW: {"*": SUPPORT},
    P.CASE_RESPOND: {"*": "----------y---"},
    P.CASE_RATE: {"*": "----------y---"},
    P.HELPFUL_VOTE: {"*": "-yyyyyyy-yyyyy"},
    P.INSIGHTS_VIEW: {"*": SUPPORT},
    P.ADMIN_SETTINGS: {"*": ADMIN},
    P.PROFILE_FIELDS_MANAGE: {"*": ADMIN},
    P.WEBHOOKS_MANAGE: {"*": ADMIN},
    P.REPUTATION_AWARD: {"*": ADMIN},
    P.PRODUCT_CARE_MANAGE: {"*": ADMIN},
    P.PROFILE_EDIT: {"*": "-yyyyyyy-yyyyy"},
    P.TAG_CREATE: {"*": "-----yyy-y-yyy"},
}
ON_ANSWER = {P.ANSWER_ACCEPT}
ON_COMMENT = {P.COMMENT_DELETE}
ON_MEMBER = {P.MEMBER_SUSPEND, P.MEMBER_DELETE}
ON_CASE = {P.CASE_RESPOND, P.CASE_RATE}


def _user(user_id: int, reputation: int, role: Role = Role.MEMBER, **extra) -> User:
    fields = {"email_confirmed_at": utcnow(), "suspended_until": None, **extra}
    return User(id=user_id, username=f"user{user_id}", email=f"user{user_id}@example.com", role=role,
                reputation=reputation, **fields)


def _actors() -> dict[str, User | None]:
    later = utcnow() + timedelta(days=3)
    return {
        "V": None, "N": _user(2, 1), "15": _user(3, 15), "50": _user(4, 50), "125": _user(5, 125),
        "500": _user(6, 500), "2k": _user(7, 2000), "3k": _user(8, 3000),
        "S": _user(9, 3000, suspended_until=later, suspension_reason="spam"),
        "U": _user(10, 3000, email_confirmed_at=None), "a": _user(11, 1),
        "g": _user(12, 1, Role.AGENT), "m": _user(13, 1, Role.MODERATOR), "A": _user(14, 1, Role.ADMIN),
    }


AUTHOR_ID, HELPER_ID = 11, 20


def _target(perm: Permission, state: str) -> object | None:
    now = utcnow()
    thread = Question(id=1, author_id=AUTHOR_ID, title="How do I reset the schedule?", close_reason=None,
                      closed_at=now if state == "closed" else None, locked_at=now if state == "locked" else None,
                      deleted_at=None, hidden_at=None)
    if state == "closed":
        thread.close_reason = "duplicate"
    own = {"deleted_at": now if state == "deleted" else None, "hidden_at": now if state == "hidden" else None}
    if perm in ON_ANSWER:
        answer = Answer(id=2, author_id=HELPER_ID, question_id=1, **own)
        answer.question = thread
        return answer
    if perm in ON_COMMENT:
        return Comment(id=3, author_id=AUTHOR_ID, question_id=1, answer_id=None, **own)
    if perm in ON_MEMBER:
        return _user(HELPER_ID, 1)
    if perm in ON_CASE:
        return Case(id=4, question_id=1, customer_id=AUTHOR_ID)
    if "*" in EXPECTED[perm]:
        return None
    thread.deleted_at, thread.hidden_at = own["deleted_at"], own["hidden_at"]
    return thread


@pytest.fixture
def confirmation_required(app):
    app.config["REQUIRE_EMAIL_CONFIRMATION"] = True
    yield
    app.config["REQUIRE_EMAIL_CONFIRMATION"] = False


def test_every_permission_has_its_row():
    assert set(EXPECTED) == set(Permission)
    for perm, row in EXPECTED.items():
        assert set(row) in ({"*"}, set(STATES)), perm
        assert all(len(cells) == len(ACTORS) and set(cells) <= {"y", "-"} for cells in row.values()), perm


@pytest.mark.usefixtures("confirmation_required")
@pytest.mark.parametrize("perm", list(Permission), ids=str)
def test_the_matrix(perm):
    actors = _actors()
    wrong = []
    for state in STATES:
        cells = EXPECTED[perm].get(state) or EXPECTED[perm]["*"]
        target = _target(perm, state)
        for name, expected in zip(ACTORS, cells, strict=True):
            answer = "y" if can(actors[name], perm, target) else "-"
            if answer != expected:
                wrong.append(f"{state}/{name}: expected {expected}, got {answer} "
                             f"({refusal(actors[name], perm, target)})")
    assert wrong == []


def test_refusals_explain_themselves():
    """Every `-` comes with a sentence a member can act on, never an empty or generic one."""
    actors = _actors()
    for perm in Permission:
        for state in STATES:
            target = _target(perm, state)
            for name in ACTORS:
                reason = refusal(actors[name], perm, target)
                assert reason is None or (len(reason) > 10 and reason != "Not allowed."), (perm, state, name)


def test_new_community_mode_moves_every_threshold_column(app):
    """The matrix reads the thresholds in force: ÷10 in "new community" mode, admin overrides too."""
    actors = _actors()
    settings.set_reputation_settings({}, True)
    question = _target(P.VOTE_DOWN, "open")
    assert can(actors["15"], P.VOTE_DOWN, question)  # 125 ÷ 10 → 12
    assert can(actors["500"], P.QUESTION_VOTE_CLOSE, question)  # 3,000 ÷ 10 → 300
    assert can(actors["50"], P.REVIEW)  # 500 ÷ 10 → 50
    settings.set_reputation_settings({"vote_up": 100}, False)
    assert not can(actors["50"], P.VOTE_UP, question) and can(actors["125"], P.VOTE_UP, question)
