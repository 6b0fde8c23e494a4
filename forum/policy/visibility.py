"""Who may see what: one SQL clause and one object predicate per content type.

The viewers are the visitor (None), a member, the author of the thing, and the people who keep
the community (moderators and admins, `roles.MODERATORS`), who see deleted and hidden posts so
they can review and restore them. The support team also sees draft and archived articles.

- Questions and answers: deleted ones only for moderators; hidden ones (flags pending review)
  for moderators and their author. An answer is visible only when its question is.
- Comments: as posts, except that a thread never shows a deleted comment, not even to
  moderators (comments have no undelete; moderators reach them only to act on them).
- Revisions: exactly when their post is visible.
- Articles: published ones for everyone, drafts and archived ones for the support team.
- Members: deleted accounts are not listed; their posts stay, shown as a former member's.

Apart from who sees what, the same columns decide what still exists and what counts
(`live()`, `is_live()`): deleting takes a post out of everything (lists, reputation, badges,
the health figures), while hiding only takes it out of what visitors see: a hidden post is
pending review, its reputation stands and a moderator may restore it. An account is live
until it is deleted (`member_clause()`, `is_live_account()`), and may act while it is not
suspended (`acting_member_clause()`). Nothing outside this package and the models reads
`deleted_at`, `hidden_at` or `suspended_until` to decide (tests/unit/test_layering.py).

Lists, counts, feeds, digests and search sources are the same for every reader (they are cached
and shared), so they use the visitor's view, `public_*()`: a count never includes what its list
hides. Pages of one thing (a thread, revisions, an API object) use the viewer's clause or `can_see`.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, true

from forum.extensions import db
from forum.models import Answer, Article, ArticleState, Comment, Question, Revision, User
from forum.policy import roles
from forum.policy.permissions import Permission, can


def _viewer_id(viewer: object | None) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.id


def sees_everything(viewer: object | None) -> bool:
    """Moderators and admins see deleted and hidden posts."""
    return roles.is_moderator(viewer)


def _post_clause(model, viewer: object | None) -> ColumnElement[bool]:
    if sees_everything(viewer):
        return true()
    viewer_id = _viewer_id(viewer)
    not_hidden = model.hidden_at.is_(None)
    if viewer_id is not None:
        not_hidden = not_hidden | (model.author_id == viewer_id)
    return model.deleted_at.is_(None) & not_hidden


def question_clause(viewer: object | None = None) -> ColumnElement[bool]:
    return _post_clause(Question, viewer)


def answer_clause(viewer: object | None = None, *, with_question: bool = True) -> ColumnElement[bool]:
    """Answers the viewer sees; `with_question=False` when the caller already checked the thread."""
    clause = _post_clause(Answer, viewer)
    if with_question and not sees_everything(viewer):
        clause = clause & Answer.question_id.in_(select(Question.id).where(question_clause(viewer)))
    return clause


def comment_clause(viewer: object | None = None, *, in_thread: bool = True) -> ColumnElement[bool]:
    clause = _post_clause(Comment, viewer)
    return clause & Comment.deleted_at.is_(None) if in_thread else clause


def _sees_drafts(viewer: object | None) -> bool:
    return can(viewer, Permission.ARTICLE_VIEW_DRAFT)


def article_clause(viewer: object | None = None) -> ColumnElement[bool]:
    if _sees_drafts(viewer):
        return true()
    return Article.state == ArticleState.PUBLISHED.value


def revision_clause(viewer: object | None = None) -> ColumnElement[bool]:
    return (Revision.question_id.in_(select(Question.id).where(question_clause(viewer)))
            | Revision.answer_id.in_(select(Answer.id).where(answer_clause(viewer))))


def member_clause() -> ColumnElement[bool]:
    """Live accounts: not deleted (people to list, notify, email, route cases to, sign in)."""
    return User.deleted_at.is_(None)


def acting_member_clause(now: datetime) -> ColumnElement[bool]:
    """Live accounts not suspended at `now`: the members who may be asked to write."""
    return member_clause() & or_(User.suspended_until.is_(None), User.suspended_until <= now)


def suspended_clause(now: datetime) -> ColumnElement[bool]:
    """Accounts whose suspension is still in force at `now`."""
    return User.suspended_until > now


def live(model=Question) -> ColumnElement[bool]:
    """Posts (of `model`, a post class or an alias of one) that are not deleted, hidden or not."""
    return model.deleted_at.is_(None)


def public_post(model=Question) -> ColumnElement[bool]:
    """Posts of `model` a visitor sees, judged alone (the caller checks the thread when it matters)."""
    return _post_clause(model, None)


def deleted_as_spam(model=Question) -> ColumnElement[bool]:
    """Posts a moderator deleted as spam and nobody undeleted: their author pays the spam penalty."""
    return model.deleted_at.is_not(None) & model.deleted_as_spam.is_(True)


def public_questions() -> ColumnElement[bool]:
    return question_clause(None)


def public_answers(*, with_question: bool = True) -> ColumnElement[bool]:
    return answer_clause(None, with_question=with_question)


def public_comments() -> ColumnElement[bool]:
    return comment_clause(None, in_thread=False)


def public_articles() -> ColumnElement[bool]:
    return article_clause(None)


# --- the same rule for one object already loaded -----------------------------------------------

def _sees_post(viewer: object | None, post: Question | Answer | Comment) -> bool:
    if sees_everything(viewer):
        return True
    if post.deleted_at is not None:
        return False
    return post.hidden_at is None or (post.author_id is not None and post.author_id == _viewer_id(viewer))


def _post_of(row: Comment | Revision) -> Question | Answer:
    if row.answer_id is not None:
        return db.session.get(Answer, row.answer_id)
    return db.session.get(Question, row.question_id)


def can_see(viewer: object | None, obj: object) -> bool:
    """Whether `viewer` may see `obj` (a question, answer, comment, revision, article or member)."""
    if isinstance(obj, Question):
        return _sees_post(viewer, obj)
    if isinstance(obj, Answer):
        return _sees_post(viewer, obj) and _sees_post(viewer, obj.question)
    if isinstance(obj, Comment):
        if not _sees_post(viewer, obj):
            return False
        return can_see(viewer, _post_of(obj))
    if isinstance(obj, Revision):
        return can_see(viewer, _post_of(obj))
    if isinstance(obj, Article):
        return obj.state == ArticleState.PUBLISHED.value or _sees_drafts(viewer)
    if isinstance(obj, User):
        return obj.deleted_at is None or sees_everything(viewer)
    raise TypeError(f"no visibility rule for {type(obj).__name__}")


def is_public(obj: object) -> bool:
    """What a visitor may see: the test for notifications, feeds, digests, webhooks and the search index."""
    return can_see(None, obj)


def is_public_post(post: Question | Answer | Comment) -> bool:
    """`public_post()` for one loaded post: not deleted and not hidden, whatever its thread."""
    return _sees_post(None, post)


def is_live(post: Question | Answer | Comment | None) -> bool:
    """`live()` for one loaded post: it exists and is not deleted (it may be hidden)."""
    return post is not None and post.deleted_at is None


def is_live_account(user: User | None) -> bool:
    """`member_clause()` for one loaded account: it exists and is not deleted."""
    return user is not None and user.deleted_at is None
