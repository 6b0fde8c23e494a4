"""Comments: short plain text with links under a question or an answer."""

from flask_babel import gettext as _

from forum.extensions import db
from forum.markup import render_plain
from forum.models import Comment, User, utcnow
from forum.policy import Permission, require, visibility
from forum.services import posts
from forum.services.errors import NotFound, ValidationFailed
from forum.services.events import Event, emit
from reputation.events import PostKind

COMMENT_MIN, COMMENT_MAX = 2, 600


def post_comment(author: User, kind: PostKind, post_id: int, *, body: str) -> Comment:
    """Comment on a post; commenting on others' posts needs the "comment everywhere" privilege."""
    post = posts.get_post(kind, post_id, viewer=author)
    require(author, Permission.COMMENT_POST, post)
    body = " ".join((body or "").replace("\x00", "").split()) if body else ""
    if not COMMENT_MIN <= len(body) <= COMMENT_MAX:
        raise ValidationFailed(_("Please check your comment."),
                               fields={"body": f"Comments are {COMMENT_MIN}–{COMMENT_MAX} characters."})
    posts.check_content(author, "comment", body, new=True)
    question_id = post.id if kind is PostKind.QUESTION else post.question_id
    comment = Comment(question_id=question_id, answer_id=None if kind is PostKind.QUESTION else post.id,
                      author_id=author.id, body=body, body_html=render_plain(body))
    db.session.add(comment)
    db.session.flush()
    emit(Event.COMMENT_POSTED, comment_id=comment.id, question_id=question_id, answer_id=comment.answer_id,
         actor_id=author.id)
    db.session.flush()
    return comment


def delete_comment(comment_id: int, actor: User) -> int:
    """Soft-delete a comment (its author or a moderator); returns the thread's id."""
    comment = db.session.get(Comment, comment_id)
    if not visibility.is_live(comment):
        raise NotFound(_("That comment doesn't exist."))
    require(actor, Permission.COMMENT_DELETE, comment)
    comment.deleted_at = utcnow()
    emit(Event.COMMENT_DELETED, comment_id=comment.id, question_id=comment.question_id, actor_id=actor.id)
    db.session.flush()
    return comment.question_id
