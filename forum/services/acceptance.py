"""Accepting answers: the asker's choice, changeable and reversible."""

from forum.extensions import db
from forum.models import Activity, User
from forum.policy import Permission, require
from forum.services import badges, ledger, posts
from forum.services.events import Event, emit
from reputation import rules
from reputation.events import Role as GrantRole


def accept_answer(answer_id: int, actor: User) -> int:
    """Mark the answer accepted, replacing any earlier choice; returns the question id.

    Raises NotAllowed unless the actor asked the question. Accepting the same answer again
    does nothing. Moving the acceptance reverses what the earlier answer earned.
    """
    answer = posts.get_answer(answer_id, viewer=actor)
    require(actor, Permission.ANSWER_ACCEPT, answer)
    question = answer.question
    if question.accepted_answer_id == answer.id:
        return question.id
    previous = posts.get_answer(question.accepted_answer_id, viewer=actor) if question.accepted_answer_id else None
    ledger.lock_users({actor.id, answer.author_id} | ({previous.author_id} if previous else set()))
    touched = {actor.id, answer.author_id}
    if previous is not None:
        touched |= _withdraw(previous.id, "acceptance moved")
    question.accepted_answer_id = answer.id
    for grant in rules.accept_grants(self_accept=answer.author_id == actor.id):
        ledger.record(grant.event, user_id=answer.author_id if grant.role is GrantRole.AUTHOR else actor.id,
                      amount=grant.amount, actor_id=actor.id, answer_id=answer.id)
    posts.touch(question, Activity.ACCEPTED, actor)
    ledger.refresh_cache(touched)
    badges.on_answer_accepted(answer, actor.id)
    emit(Event.ANSWER_ACCEPTED, answer_id=answer.id, question_id=question.id, actor_id=actor.id)
    db.session.flush()
    return question.id


def unaccept_answer(answer_id: int, actor: User) -> int:
    """Remove the acceptance from an answer (asker only); not accepted is a no-op."""
    answer = posts.get_answer(answer_id, viewer=actor)
    require(actor, Permission.ANSWER_ACCEPT, answer)
    question = answer.question
    if question.accepted_answer_id != answer.id:
        return question.id
    ledger.lock_users({actor.id, answer.author_id})
    touched = _withdraw(answer.id, "acceptance removed")
    question.accepted_answer_id = None
    ledger.refresh_cache(touched | {actor.id})
    emit(Event.ANSWER_UNACCEPTED, answer_id=answer.id, question_id=question.id, actor_id=actor.id)
    db.session.flush()
    return question.id


def _withdraw(answer_id: int, reason: str) -> set[int]:
    entries = ledger.live_entries(rules.ACCEPT_EVENTS, answer_id=answer_id)
    for entry in entries:
        ledger.reverse(entry, reason=reason)
    return {e.user_id for e in entries}
