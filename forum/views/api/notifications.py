"""API routes for the token owner's notifications."""

from flask import jsonify, request

from forum.services import notifications
from forum.services.errors import ValidationFailed
from forum.transaction import transactional
from forum.views.api import actor, body, bp
from forum.views.api import serialize as out
from forum.views.api.content import paging
from forum.views.notifications import link_for


def _notification(n) -> dict:
    return {
        "id": n.id, "kind": n.kind, "text": notifications.describe(n), "read": n.read_at is not None,
        "url": request.host_url.rstrip("/") + link_for(n),
        "actor": out.user_ref(n.actor) if n.actor is not None else None,
        "question_id": n.question_id, "answer_id": n.answer_id, "comment_id": n.comment_id,
        "created_at": out.iso(n.created_at), "read_at": out.iso(n.read_at),
    }


@bp.get("/notifications")
def list_notifications():
    user = actor()
    page, per_page = paging()
    unread = request.args.get("unread", "false").lower()
    if unread not in ("true", "false", "1", "0"):
        raise ValidationFailed("“unread” is true or false.", fields={"unread": "Use true or false."})
    result = notifications.list_for(user.id, page=page, per_page=per_page, unread_only=unread in ("true", "1"))
    return jsonify({**out.page(result, _notification), "unread": notifications.unread_count(user.id)})


@bp.post("/notifications/read")
@transactional
def mark_notifications_read():
    """Mark {"ids": [...]} read, or everything when no ids are given ({} or {"all": true})."""
    user = actor()
    data = body() if request.get_data() else {}
    ids = data.get("ids")
    if ids is None and data.get("all") is False:
        raise ValidationFailed("Send “ids” or “all”: true.", fields={"ids": "Expected a list of ids."})
    changed = notifications.mark_read(user, ids)
    return jsonify(marked=changed, unread=notifications.unread_count(user.id))
