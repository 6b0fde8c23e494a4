"""Answering, editing and deleting answers."""

from flask_babel import gettext as _
from sqlalchemy import update

from forum.extensions import db
from forum.models import Activity, Answer, Question, User, utcnow
from forum.policy import Permission, require, visibility
from forum.services import badges, ledger, posts
from forum.services.errors import ValidationFailed
from forum.services.events import Event, emit


def post_answer(question_id: int, author: User, *, body: str) -> Answer:
    """Answer a question; its first revision is kept and the thread becomes active."""
    question = posts.get_question(question_id, viewer=author)
    require(author, Permission.ANSWER_POST, question)
    errors: dict[str, str] = {}
    body = posts.check_body(body, errors, minimum=posts.ANSWER_BODY_MIN)
    posts.raise_if(errors)
    posts.check_content(author, "answer", body, new=True)
    answer = Answer(question_id=question.id, author_id=author.id, body_md=body, body_html=posts.rendered(body))
    db.session.add(answer)
    db.session.flush()
    posts.add_revision(author=author, answer=answer, body_md=body)
    badges.on_answer_posted(answer)
    db.session.execute(update(Question).where(Question.id == question.id)
                       .values(answer_count=Question.answer_count + 1, last_activity_at=utcnow(),
                               last_activity_kind=Activity.ANSWERED.value, last_activity_by_id=author.id))
    emit(Event.ANSWER_POSTED, answer_id=answer.id, question_id=question.id, actor_id=author.id)
    db.session.flush()
    return answer


def edit_answer(answer_id: int, actor: User, *, body: str, comment: str = "",
                permission: Permission = Permission.POST_EDIT) -> Answer:
    """Change an answer and keep the new version as a revision.

    `permission` is what entitles `actor`: editing, or approving a suggested edit (REVIEW).
    """
    answer = posts.get_answer(answer_id, viewer=actor)
    require(actor, permission, answer)
    errors: dict[str, str] = {}
    body = posts.check_body(body, errors, minimum=posts.ANSWER_BODY_MIN)
    posts.raise_if(errors)
    if body == answer.body_md:
        return answer
    posts.check_content(actor, "answer", body, new=False)
    answer.body_md, answer.body_html, answer.edited_at = body, posts.rendered(body), utcnow()
    posts.touch(answer.question, Activity.MODIFIED, actor)
    posts.add_revision(author=actor, answer=answer, body_md=body, comment=comment)
    emit(Event.ANSWER_EDITED, answer_id=answer.id, question_id=answer.question_id, actor_id=actor.id)
    db.session.flush()
    return answer


def delete_answer(answer_id: int, actor: User) -> int:
    """Soft-delete an answer and reverse what it earned; returns its question id.

    An author can't delete their accepted answer (the asker relies on it); moderators can,
    which also clears the acceptance.
    """
    answer = posts.get_answer(answer_id, viewer=actor)
    require(actor, Permission.POST_DELETE, answer)
    if answer.is_deleted:
        return answer.question_id
    question = answer.question
    if question.accepted_answer_id == answer.id:
        require(actor, Permission.POST_DELETE_INVESTED, answer)
    counted = visibility.is_public_post(answer)
    answer.deleted_at, answer.deleted_by_id = utcnow(), actor.id
    touched = posts.withdraw_reputation(None, [answer])
    if question.accepted_answer_id == answer.id:
        question.accepted_answer_id = None
    posts.count_answer(answer, counted_before=counted)
    ledger.refresh_cache(touched)
    emit(Event.ANSWER_DELETED, answer_id=answer.id, question_id=question.id, actor_id=actor.id)
    db.session.flush()
    return question.id


def undelete_answer(answer_id: int, actor: User) -> int:
    """Restore a deleted answer (moderators) and grant its votes' reputation again."""
    answer = posts.get_answer(answer_id, viewer=actor)
    require(actor, Permission.POST_UNDELETE)
    if not answer.is_deleted:
        raise ValidationFailed(_("That answer is not deleted."))
    counted = visibility.is_public_post(answer)
    answer.deleted_at = answer.deleted_by_id = None
    posts.count_answer(answer, counted_before=counted)
    touched = posts.restore_reputation(None, [answer])
    ledger.refresh_cache(touched)
    emit(Event.ANSWER_UNDELETED, answer_id=answer.id, question_id=answer.question_id, actor_id=actor.id)
    db.session.flush()
    return answer.question_id
