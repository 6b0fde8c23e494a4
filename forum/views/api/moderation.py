"""API routes for flags (members) and moderation (moderators): the console's services and permission checks."""

from flask import jsonify, request

from forum.models import Flag, ReviewItem
from forum.policy import Permission, require
from forum.services.errors import ValidationFailed
from forum.transaction import transactional
from forum.views.api import actor, body, bp, text_field
from forum.views.api.content import paging
from moderation import actions, audit, flags, queue, review, suspensions


def iso(when):
    return when.isoformat(timespec="seconds") + "Z" if when else None


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


def _flag(kind: str, target_id: int):
    data = body()
    reason = data.get("kind", data.get("reason"))
    if not isinstance(reason, str):
        raise ValidationFailed("“kind” must be spam, rude or attention.", fields={"kind": "Expected a string."})
    flag = flags.flag(kind, target_id, actor=actor(), reason=reason,
                      text=text_field(data, "text", required=False) or "")
    return jsonify(flag_json(flag)), 201


@bp.post("/questions/<int:question_id>/flags")
@transactional
def flag_question(question_id: int):
    return _flag("question", question_id)


@bp.post("/answers/<int:answer_id>/flags")
@transactional
def flag_answer(answer_id: int):
    return _flag("answer", answer_id)


@bp.post("/comments/<int:comment_id>/flags")
@transactional
def flag_comment(comment_id: int):
    return _flag("comment", comment_id)


@bp.get("/mod/queue")
def mod_queue():
    require(actor(), Permission.MODERATE)
    page, per_page = paging()
    result = queue.open_items(queue.parse_kind(request.args.get("kind")), page=page, per_page=per_page)
    return jsonify(items=[item_json(i) for i in result.items], page=result.page, per_page=result.per_page,
                   total=result.total, counts={k.value: n for k, n in queue.counts().items()})


@bp.get("/mod/queue/<int:item_id>")
def mod_item(item_id: int):
    require(actor(), Permission.MODERATE)
    return jsonify(item_json(queue.get_item(item_id)))


@bp.post("/mod/queue/<int:item_id>")
@transactional
def mod_handle(item_id: int):
    require(actor(), Permission.MODERATE)
    data = body()
    decision = review.Decision(
        outcome=text_field(data, "outcome"), note=text_field(data, "note", required=False) or "",
        body=text_field(data, "body", required=False), title=text_field(data, "title", required=False),
        tags=text_field(data, "tags", required=False), until=text_field(data, "until", required=False),
        suspension_reason=text_field(data, "reason", required=False))
    review.handle(item_id, decision, moderator=actor())
    return jsonify(item_json(queue.get_item(item_id)))


def _note(data: dict) -> str:
    return text_field(data, "note", required=False) or ""


def _state(question) -> dict:
    return {"id": question.id, "closed": question.closed_at is not None, "close_reason": question.close_reason,
            "duplicate_of": question.duplicate_of_id, "locked": question.locked_at is not None,
            "product": question.product.slug}


@bp.post("/questions/<int:question_id>/close")
@transactional
def close_question(question_id: int):
    require(actor(), Permission.THREAD_CLOSE)
    data = body()
    question = actions.close_question(question_id, moderator=actor(), reason=text_field(data, "reason"),
                                      duplicate_of=data.get("duplicate_of"), note=_note(data))
    return jsonify(_state(question))


@bp.post("/questions/<int:question_id>/reopen")
@transactional
def reopen_question(question_id: int):
    require(actor(), Permission.THREAD_CLOSE)
    data = request.get_json(silent=True) or {}
    return jsonify(_state(actions.reopen_question(question_id, moderator=actor(), note=_note(data))))


@bp.post("/questions/<int:question_id>/lock")
@transactional
def lock_question(question_id: int):
    require(actor(), Permission.THREAD_LOCK)
    data = request.get_json(silent=True) or {}
    return jsonify(_state(actions.lock_thread(question_id, moderator=actor(), note=_note(data))))


@bp.post("/questions/<int:question_id>/unlock")
@transactional
def unlock_question(question_id: int):
    require(actor(), Permission.THREAD_LOCK)
    data = request.get_json(silent=True) or {}
    return jsonify(_state(actions.unlock_thread(question_id, moderator=actor(), note=_note(data))))


@bp.post("/users/<int:user_id>/suspension")
@transactional
def suspend_user(user_id: int):
    require(actor(), Permission.MEMBER_SUSPEND)
    data = body()
    suspension = suspensions.suspend(user_id, moderator=actor(), until=text_field(data, "until"),
                                     reason=text_field(data, "reason"))
    return jsonify(user_id=user_id, suspended_until=iso(suspension.ends_at), reason=suspension.reason), 201


@bp.delete("/users/<int:user_id>/suspension")
@transactional
def unsuspend_user(user_id: int):
    require(actor(), Permission.MEMBER_SUSPEND)
    suspensions.unsuspend(user_id, moderator=actor())
    return "", 204


@bp.get("/mod/audit")
def mod_audit():
    require(actor(), Permission.MODERATE)
    page, per_page = paging()
    args = request.args
    filters = audit.parse_filters(args.get("actor"), args.get("action"), args.get("target"), args.get("since"),
                                  args.get("until"))
    result = audit.entries(filters, page=page, per_page=per_page)
    items = [{"id": e.id, "created_at": iso(e.created_at), "actor": e.actor.username if e.actor else None,
              "action": e.action, "target": e.target, "subject": e.subject.username if e.subject else None,
              "reason": e.reason, "before": e.before, "after": e.after} for e in result.items]
    return jsonify(items=items, page=result.page, per_page=result.per_page, total=result.total)
