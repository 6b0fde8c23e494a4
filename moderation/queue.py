"""The review queue: opening items, claiming one exactly once, and reading the queue.

Exactly once: `claim()` is a conditional UPDATE ... WHERE handled_at IS NULL. Two moderators
acting at the same moment both send it; the database lets one through and makes the other
wait for that transaction (SQLite's write lock, PostgreSQL's row lock), whose WHERE then
matches nothing, so the second moderator gets "already handled by X" instead of acting twice.
"""

from flask_babel import gettext as _
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from forum.extensions import db
from forum.models import Answer, Comment, Flag, Question, ReviewItem, ReviewKind, User, utcnow
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.services.queries import Page
from forum.times import exact

# Flags and hiding share one open item per post: a flagged item becomes "hidden" in place.
_KEY_GROUP = {ReviewKind.FLAGGED: "flags", ReviewKind.HIDDEN: "flags", ReviewKind.FIRST_POST: "first",
              ReviewKind.WATCHED_WORD: "words", ReviewKind.SUGGESTED_EDIT: "edit"}


def target_ids(target: Question | Answer | Comment) -> dict[str, int | None]:
    """The item columns naming a post or comment: the thread always, the answer or comment when it is one."""
    if isinstance(target, Question):
        return {"question_id": target.id, "answer_id": None, "comment_id": None}
    if isinstance(target, Answer):
        return {"question_id": target.question_id, "answer_id": target.id, "comment_id": None}
    return {"question_id": target.question_id, "answer_id": None, "comment_id": target.id}


def _key(kind: ReviewKind, ids: dict[str, int | None], suggested_edit_id: int | None) -> str:
    if kind is ReviewKind.SUGGESTED_EDIT:
        return f"edit:{suggested_edit_id}"
    if ids["comment_id"]:
        what = f"comment:{ids['comment_id']}"
    elif ids["answer_id"]:
        what = f"answer:{ids['answer_id']}"
    else:
        what = f"question:{ids['question_id']}"
    return f"{_KEY_GROUP[kind]}:{what}"


def enqueue(kind: ReviewKind, target: Question | Answer | Comment, *, author_id: int, detail: str = "",
            suggested_edit_id: int | None = None) -> ReviewItem:
    """Open a review item about `target`, or return the one already open for the same reason.

    Runs inside the caller's transaction. Two transactions racing to open the same item end
    with one: the unique open_key refuses the second insert (the caller retries).
    """
    ids = target_ids(target)
    key = _key(kind, ids, suggested_edit_id)
    existing = db.session.scalar(select(ReviewItem).where(ReviewItem.open_key == key))
    if existing is not None:
        if detail and detail not in existing.detail:
            existing.detail = f"{existing.detail}; {detail}".strip("; ")[:300]
        return existing
    item = ReviewItem(kind=kind.value, author_id=author_id, detail=detail[:300], open_key=key,
                      suggested_edit_id=suggested_edit_id, **ids)
    db.session.add(item)
    db.session.flush()
    return item


def claim(item_id: int, *, moderator: User, outcome: str) -> ReviewItem:
    """Mark the item handled by `moderator` unless someone already did; raises Conflict then.

    The claim is part of the caller's transaction: if the action that follows fails and the
    transaction rolls back, the item is open again.
    """
    result = db.session.execute(
        update(ReviewItem).where(ReviewItem.id == item_id, ReviewItem.handled_at.is_(None))
        .values(handled_at=utcnow(), handled_by_id=moderator.id, outcome=outcome, open_key=None)
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        return db.session.scalars(select(ReviewItem).where(ReviewItem.id == item_id)
                                  .execution_options(populate_existing=True)).one()
    item = db.session.get(ReviewItem, item_id, populate_existing=True)
    if item is None:
        raise NotFound(_("That review item doesn't exist."))
    raise already_handled(item)


def already_handled(item: ReviewItem) -> Conflict:
    who = item.handled_by.username if item.handled_by else "another moderator"
    return Conflict(f"Already handled by {who} at {exact(item.handled_at)} ({item.outcome}).")


def close_others(item: ReviewItem, *, moderator: User) -> int:
    """Close the other open items about the same post (it was deleted); returns how many."""
    ids = {"question_id": item.question_id, "answer_id": item.answer_id, "comment_id": item.comment_id}
    where = [ReviewItem.handled_at.is_(None), ReviewItem.id != item.id, ReviewItem.question_id == ids["question_id"]]
    where.append(ReviewItem.answer_id.is_(None) if ids["answer_id"] is None
                 else ReviewItem.answer_id == ids["answer_id"])
    where.append(ReviewItem.comment_id.is_(None) if ids["comment_id"] is None
                 else ReviewItem.comment_id == ids["comment_id"])
    result = db.session.execute(
        update(ReviewItem).where(*where)
        .values(handled_at=utcnow(), handled_by_id=moderator.id, outcome=item.outcome, open_key=None,
                note=f"closed with review item #{item.id}")
        .execution_options(synchronize_session=False))
    return result.rowcount


def get_item(item_id: int) -> ReviewItem:
    item = db.session.scalar(
        select(ReviewItem).where(ReviewItem.id == item_id)
        .options(joinedload(ReviewItem.question).joinedload(Question.author), joinedload(ReviewItem.answer),
                 joinedload(ReviewItem.comment), joinedload(ReviewItem.suggested_edit),
                 joinedload(ReviewItem.author), joinedload(ReviewItem.handled_by),
                 selectinload(ReviewItem.flags).joinedload(Flag.flagger)))
    if item is None:
        raise NotFound(_("That review item doesn't exist."))
    return item


def parse_kind(raw: str | None) -> ReviewKind | None:
    if not raw:
        return None
    try:
        return ReviewKind(raw)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown queue."), fields={"kind": ", ".join(k.value for k in ReviewKind)}) from exc


def open_items(kind: ReviewKind | None = None, *, page: int = 1, per_page: int = 20) -> Page:
    """Open items: posts hidden by flags, then flagged posts, then the rest; oldest first within each."""
    where = [ReviewItem.handled_at.is_(None)]
    if kind is not None:
        where.append(ReviewItem.kind == kind.value)
    total = db.session.scalar(select(func.count(ReviewItem.id)).where(*where)) or 0
    hidden_first = case((ReviewItem.kind == ReviewKind.HIDDEN.value, 0),
                        (ReviewItem.kind == ReviewKind.FLAGGED.value, 1), else_=2)
    items = list(db.session.scalars(
        select(ReviewItem).where(*where)
        .options(joinedload(ReviewItem.question), joinedload(ReviewItem.answer), joinedload(ReviewItem.comment),
                 joinedload(ReviewItem.author), selectinload(ReviewItem.flags))
        .order_by(hidden_first, ReviewItem.created_at, ReviewItem.id)
        .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def handled_items(*, limit: int = 20) -> list[ReviewItem]:
    return list(db.session.scalars(
        select(ReviewItem).where(ReviewItem.handled_at.is_not(None))
        .options(joinedload(ReviewItem.question), joinedload(ReviewItem.handled_by), joinedload(ReviewItem.author))
        .order_by(ReviewItem.handled_at.desc(), ReviewItem.id.desc()).limit(limit)))


def counts() -> dict[ReviewKind, int]:
    """Open items per kind (every kind present, zero included)."""
    rows = dict(db.session.execute(select(ReviewItem.kind, func.count(ReviewItem.id))
                                   .where(ReviewItem.handled_at.is_(None)).group_by(ReviewItem.kind)).all())
    return {kind: int(rows.get(kind.value, 0)) for kind in ReviewKind}
