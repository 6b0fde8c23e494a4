"""Suggested edits: members below the edit privilege propose an edit; a moderator applies or rejects it."""

import difflib

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Question, ReviewKind, Revision, SuggestedEdit, SuggestionStatus, User
from forum.policy import Permission, require
from forum.services import answers, posts, questions
from forum.services.errors import Conflict, ValidationFailed
from moderation import queue
from reputation.events import PostKind


def _revision_number(post: Question | Answer) -> int:
    column = Revision.question_id if isinstance(post, Question) else Revision.answer_id
    return db.session.scalar(select(func.max(Revision.number)).where(column == post.id)) or 0


def pending_for(post: Question | Answer) -> SuggestedEdit | None:
    column = SuggestedEdit.question_id if isinstance(post, Question) else SuggestedEdit.answer_id
    return db.session.scalar(select(SuggestedEdit).where(column == post.id,
                                                         SuggestedEdit.status == SuggestionStatus.PENDING.value))


def suggest_edit(kind: PostKind, post_id: int, *, actor: User, body: str, title: str | None = None,
                 tags: str | list[str] | None = None, comment: str = "") -> SuggestedEdit:
    """Propose an edit of someone else's post; it waits in the review queue until a moderator decides.

    Raises NotAllowed when the member can edit directly (or may not edit at all), Conflict when
    the post already has a suggestion waiting, ValidationFailed for the same field rules as an edit.
    """
    post = posts.get_post(kind, post_id, viewer=actor)
    require(actor, Permission.POST_SUGGEST_EDIT, post)
    errors: dict[str, str] = {}
    fields: dict[str, object] = {}
    if kind is PostKind.QUESTION:
        fields["title"] = posts.check_title(post.title if title is None else title, errors)
        fields["tags"] = " ".join(posts.check_tags(actor, [t.name for t in post.tags] if tags is None else tags,
                                                   errors))
        body = posts.check_body(body, errors)
    else:
        body = posts.check_body(body, errors, minimum=posts.ANSWER_BODY_MIN)
    posts.raise_if(errors)
    unchanged = body == post.body_md and (kind is PostKind.ANSWER or (
        fields["title"] == post.title and fields["tags"] == " ".join(t.name for t in post.tags)))
    if unchanged:
        raise ValidationFailed(_("Your suggestion doesn't change anything."),
                               fields={"body": _("Change something first.")})
    if pending_for(post) is not None:
        raise Conflict(_("This post already has a suggested edit waiting for review. Please try again later."))
    text = f"{fields.get('title', '')}\n\n{body}".strip()
    posts.check_content(actor, kind.value, text, new=False)
    suggestion = SuggestedEdit(
        question_id=post.id if kind is PostKind.QUESTION else None,
        answer_id=post.id if kind is PostKind.ANSWER else None,
        author_id=actor.id, base_revision=_revision_number(post), body_md=body,
        title=fields.get("title"), tags=fields.get("tags"),
        comment=" ".join((comment or "").split())[:posts.EDIT_COMMENT_MAX])
    db.session.add(suggestion)
    db.session.flush()
    queue.enqueue(ReviewKind.SUGGESTED_EDIT, post, author_id=actor.id, detail=suggestion.comment,
                  suggested_edit_id=suggestion.id)
    db.session.flush()
    return suggestion


def post_of(suggestion: SuggestedEdit) -> Question | Answer:
    if suggestion.question_id is not None:
        return db.session.get(Question, suggestion.question_id)
    return db.session.get(Answer, suggestion.answer_id)


def apply(suggestion: SuggestedEdit, *, moderator: User, body: str | None = None, title: str | None = None,
          tags: str | None = None) -> None:
    """Apply the suggestion (or the moderator's corrected version of it) as a new revision.

    The revision is the reviewer's (a moderator or a member with the review privilege), its
    summary credits the member who suggested it. A post
    edited since the suggestion was written makes it stale: ValidationFailed.
    """
    post = post_of(suggestion)
    if _revision_number(post) != suggestion.base_revision:
        raise ValidationFailed(_("The post was edited after this suggestion was made; reject it or edit the post."))
    summary = f"suggested edit by {suggestion.author.username}"
    if suggestion.comment:
        summary += f": {suggestion.comment}"
    suggestion.status = SuggestionStatus.APPROVED.value  # before the edit service's commit, which saves both
    if isinstance(post, Question):
        questions.edit_question(post.id, moderator, title=suggestion.title if title is None else title,
                                body=suggestion.body_md if body is None else body,
                                tags=suggestion.tags if tags is None else tags, comment=summary,
                                permission=Permission.REVIEW)
    else:
        answers.edit_answer(post.id, moderator, body=suggestion.body_md if body is None else body, comment=summary,
                            permission=Permission.REVIEW)


def reject(suggestion: SuggestedEdit) -> None:
    suggestion.status = SuggestionStatus.REJECTED.value


def _as_text(title: str | None, body: str, tags: str | None) -> list[str]:
    return ((f"{title}\n\n" if title else "") + body + (f"\n\ntags: {tags}" if tags else "")).splitlines()


def diff(suggestion: SuggestedEdit) -> list[tuple[str, str]]:
    """The suggestion against the post as it is now: (css class, line) pairs; the template escapes them."""
    post = post_of(suggestion)
    if isinstance(post, Question):
        current = _as_text(post.title, post.body_md, " ".join(t.name for t in post.tags))
    else:
        current = _as_text(None, post.body_md, None)
    proposed = _as_text(suggestion.title, suggestion.body_md, suggestion.tags)
    lines = []
    for line in difflib.unified_diff(current, proposed, lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        lines.append(({"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx"), line))
    return lines
