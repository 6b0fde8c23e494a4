"""Reactions to Q&A events, inside the emitting transaction.

- A new member's first question or answer, and posts with a "review" watched word, go to the
  review queue (the queue row commits or rolls back with the post).
- A moderator, agent or admin editing, deleting or undeleting someone else's post through the
  ordinary thread pages is a moderator action: it is audit-logged, unless the console already
  logged it in this transaction (with its reason).
"""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Comment, Question, ReviewKind, User, WatchedAction
from forum.policy import roles
from forum.services.events import Event, subscribe
from moderation import audit, queue, spam


def _review_words(target: Question | Answer | Comment, text: str) -> None:
    words = [w.phrase for w in spam.watched_in(text) if w.action == WatchedAction.REVIEW]
    if words:
        queue.enqueue(ReviewKind.WATCHED_WORD, target, author_id=target.author_id,
                      detail=", ".join(words))


def _text(post: Question | Answer) -> str:
    return f"{post.title}\n\n{post.body_md}" if isinstance(post, Question) else post.body_md


def review_new_post(event: Event, *, question_id: int, answer_id: int | None = None, **_ids) -> None:
    post = db.session.get(Answer, answer_id) if answer_id else db.session.get(Question, question_id)
    author = db.session.get(User, post.author_id)
    if spam.is_new_member(author):
        posted = (db.session.scalar(select(func.count(Question.id)).where(Question.author_id == author.id)) or 0) + (
            db.session.scalar(select(func.count(Answer.id)).where(Answer.author_id == author.id)) or 0)
        if posted == 1:
            queue.enqueue(ReviewKind.FIRST_POST, post, author_id=author.id)
    _review_words(post, _text(post))


def review_comment(event: Event, *, comment_id: int, **_ids) -> None:
    comment = db.session.get(Comment, comment_id)
    _review_words(comment, comment.body)


ACTIONS = {
    Event.QUESTION_EDITED: "post.edit", Event.ANSWER_EDITED: "post.edit",
    Event.QUESTION_DELETED: "post.delete", Event.ANSWER_DELETED: "post.delete",
    Event.QUESTION_UNDELETED: "post.undelete", Event.ANSWER_UNDELETED: "post.undelete",
    Event.COMMENT_DELETED: "comment.delete",
}


def review_edited_post(event: Event, *, question_id: int, answer_id: int | None = None, **_ids) -> None:
    post = db.session.get(Answer, answer_id) if answer_id else db.session.get(Question, question_id)
    _review_words(post, _text(post))


def audit_staff_action(event: Event, *, actor_id: int | None = None, question_id: int | None = None,
                       answer_id: int | None = None, comment_id: int | None = None, **_ids) -> None:
    target = (db.session.get(Comment, comment_id) if comment_id else
              db.session.get(Answer, answer_id) if answer_id else db.session.get(Question, question_id))
    actor = db.session.get(User, actor_id) if actor_id else None
    if not roles.is_staff(actor) or target is None or target.author_id == actor.id:
        return
    name = audit.target_of(target)
    if audit.logged_in_this_transaction(name):
        return
    audit.log(ACTIONS[event], actor, target=name, subject=target.author_id,
              question_id=question_id if question_id else getattr(target, "question_id", None))


def init_app(app) -> None:
    """Register moderation's reactions to Q&A events (review queue, audit of staff edits)."""
    subscribe(Event.QUESTION_ASKED, Event.ANSWER_POSTED)(review_new_post)
    subscribe(Event.COMMENT_POSTED)(review_comment)
    subscribe(Event.QUESTION_EDITED, Event.ANSWER_EDITED)(review_edited_post)
    subscribe(*ACTIONS)(audit_staff_action)
