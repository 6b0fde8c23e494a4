"""API routes for flags (members) and moderation (moderators): the console's services and permission checks."""

from datetime import date
from functools import partial

from forum.models import Flag, ReviewItem
from forum.parse import FIRST_YEAR, LAST_YEAR
from forum.policy import Permission, require
from forum.views.api import actor, bp
from forum.views.api import schemas as s
from forum.views.api.operations import operation
from forum.views.api.serialize import iso
from moderation import actions, audit, flags, queue, review, suspensions

api = partial(operation, bp)


def flag_json(flag: Flag) -> dict:
    target = ("question", flag.question_id) if flag.question_id else (
        ("answer", flag.answer_id) if flag.answer_id else ("comment", flag.comment_id))
    return {"id": flag.id, "kind": flag.reason, "text": flag.text, "status": flag.status,
            "target": {"type": target[0], "id": target[1]}, "created_at": iso(flag.created_at)}


def item_json(item: ReviewItem) -> dict:
    return {"id": item.id, "kind": item.kind, "question_id": item.question_id, "answer_id": item.answer_id,
            "comment_id": item.comment_id, "suggested_edit_id": item.suggested_edit_id,
            "author": {"id": item.author_id, "username": item.author.username}, "detail": item.detail,
            "flags": [flag_json(f) for f in item.flags], "created_at": iso(item.created_at),
            "handled_at": iso(item.handled_at), "outcome": item.outcome,
            "handled_by": item.handled_by.username if item.handled_by else None,
            "outcomes": [o.value for o in review.outcomes_for(item)]}


def _flag(kind: str, target_id: int, data: s.FlagIn) -> dict:
    return flag_json(flags.flag(kind, target_id, actor=actor(), reason=data.kind, text=data.text or ""))


FLAG = {"tag": "moderation", "body": s.FlagIn, "response": s.FlagOut, "status": 201, "errors": (409,)}


@api("POST", "/questions/<int:question_id>/flags", **FLAG,
     summary="Flag a question (spam, rude, attention + text); needs the flag privilege")
def flag_question(question_id: int, data: s.FlagIn):
    return _flag("question", question_id, data)


@api("POST", "/answers/<int:answer_id>/flags", summary="Flag an answer", **FLAG)
def flag_answer(answer_id: int, data: s.FlagIn):
    return _flag("answer", answer_id, data)


@api("POST", "/comments/<int:comment_id>/flags", summary="Flag a comment", **FLAG)
def flag_comment(comment_id: int, data: s.FlagIn):
    return _flag("comment", comment_id, data)


@api("GET", "/mod/queue", summary="Moderators: open review items with counts per kind", tag="moderation",
     query=s.QueueQuery, response=s.Queue, permission=Permission.MODERATE)
def mod_queue(query: s.QueueQuery):
    require(actor(), Permission.MODERATE)
    result = queue.open_items(queue.parse_kind(query.kind), page=query.page, per_page=query.per_page)
    return {"items": [item_json(i) for i in result.items], "page": result.page, "per_page": result.per_page,
            "total": result.total, "counts": {k.value: n for k, n in queue.counts().items()}}


@api("GET", "/mod/queue/<int:item_id>", summary="Moderators: one review item", tag="moderation",
     response=s.ReviewItemOut, permission=Permission.MODERATE)
def mod_item(item_id: int):
    require(actor(), Permission.MODERATE)
    return item_json(queue.get_item(item_id))


@api("POST", "/mod/queue/<int:item_id>", summary="Moderators: handle a review item once; 409 when already handled",
     tag="moderation", body=s.ReviewIn, response=s.ReviewItemOut, errors=(409,), permission=Permission.MODERATE)
def mod_handle(item_id: int, data: s.ReviewIn):
    require(actor(), Permission.MODERATE)
    decision = review.Decision(outcome=data.outcome, note=data.note or "", body=data.body, title=data.title,
                               tags=data.tags, until=data.until, suspension_reason=data.reason)
    review.handle(item_id, decision, moderator=actor())
    return item_json(queue.get_item(item_id))


def _thread(question_id: int) -> dict:
    from forum.views.api.content import thread_json

    return thread_json(question_id)


STATE = {"tag": "moderation", "response": s.QuestionDetail, "errors": (409,)}


@api("POST", "/questions/<int:question_id>/close", summary="Moderators: close a question with a reason",
     body=s.CloseIn, **STATE, permission=Permission.THREAD_CLOSE)
def close_question(question_id: int, data: s.CloseIn):
    require(actor(), Permission.THREAD_CLOSE)
    actions.close_question(question_id, moderator=actor(), reason=data.reason, duplicate_of=data.duplicate_of,
                           note=data.note or "")
    return _thread(question_id)


@api("POST", "/questions/<int:question_id>/reopen", summary="Moderators: reopen a closed question",
     body=s.NoteIn, body_required=False, **STATE, permission=Permission.THREAD_CLOSE)
def reopen_question(question_id: int, data: s.NoteIn):
    require(actor(), Permission.THREAD_CLOSE)
    actions.reopen_question(question_id, moderator=actor(), note=data.note or "")
    return _thread(question_id)


@api("POST", "/questions/<int:question_id>/lock", summary="Moderators: lock a thread (no answers, comments or votes)",
     body=s.NoteIn, body_required=False, **STATE, permission=Permission.THREAD_LOCK)
def lock_question(question_id: int, data: s.NoteIn):
    require(actor(), Permission.THREAD_LOCK)
    actions.lock_thread(question_id, moderator=actor(), note=data.note or "")
    return _thread(question_id)


@api("POST", "/questions/<int:question_id>/unlock", summary="Moderators: unlock a thread", body=s.NoteIn,
     body_required=False, **STATE, permission=Permission.THREAD_LOCK)
def unlock_question(question_id: int, data: s.NoteIn):
    require(actor(), Permission.THREAD_LOCK)
    actions.unlock_thread(question_id, moderator=actor(), note=data.note or "")
    return _thread(question_id)


@api("POST", "/questions/<int:question_id>/move",
     summary="Moderators: move a question to another product (404 unknown, 409 the same or an archived one)",
     body=s.MoveIn, **STATE, permission=Permission.THREAD_MOVE)
def move_question(question_id: int, data: s.MoveIn):
    require(actor(), Permission.THREAD_MOVE)
    actions.move_question(question_id, data.product, moderator=actor(), note=data.note or "")
    return _thread(question_id)


@api("POST", "/users/<int:user_id>/suspension", summary="Moderators: suspend a member until a date, with a reason",
     tag="moderation", body=s.SuspendIn, response=s.Suspension, status=201, permission=Permission.MEMBER_SUSPEND)
def suspend_user(user_id: int, data: s.SuspendIn):
    require(actor(), Permission.MEMBER_SUSPEND)
    suspension = suspensions.suspend(user_id, moderator=actor(), until=data.until, reason=data.reason)
    return {"user_id": user_id, "suspended_until": iso(suspension.ends_at), "reason": suspension.reason}


@api("DELETE", "/users/<int:user_id>/suspension", summary="Moderators: lift a member's suspension",
     tag="moderation", status=204, errors=(409,), permission=Permission.MEMBER_SUSPEND)
def unsuspend_user(user_id: int):
    require(actor(), Permission.MEMBER_SUSPEND)
    suspensions.unsuspend(user_id, moderator=actor())


def _day(day: date | None) -> str | None:
    """A query date within the years the log can hold: any calendar date filters the same way."""
    if day is None:
        return None
    return min(max(day, date(FIRST_YEAR, 1, 1)), date(LAST_YEAR, 12, 31)).isoformat()


@api("GET", "/mod/audit", summary="Moderators: the audit log, newest first", tag="moderation", query=s.AuditQuery,
     response=s.AuditList, permission=Permission.MODERATE)
def mod_audit(query: s.AuditQuery):
    require(actor(), Permission.MODERATE)
    if query.since and query.until and query.since > query.until:
        return {"items": [], "page": query.page, "per_page": query.per_page, "total": 0}
    filters = audit.parse_filters(query.actor, query.action, query.target, _day(query.since), _day(query.until))
    result = audit.entries(filters, page=query.page, per_page=query.per_page)
    items = [{"id": e.id, "created_at": iso(e.created_at), "actor": e.actor.username if e.actor else None,
              "action": e.action, "target": e.target, "subject": e.subject.username if e.subject else None,
              "reason": e.reason, "before": e.before, "after": e.after} for e in result.items]
    return {"items": items, "page": result.page, "per_page": result.per_page, "total": result.total}
