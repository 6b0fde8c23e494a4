"""API routes for the token owner's notifications."""

from functools import partial

from forum.services import notifications
from forum.urls import site_address
from forum.views.api import actor, bp
from forum.views.api import schemas as s
from forum.views.api import serialize as out
from forum.views.api.operations import operation
from forum.views.notifications import link_for

api = partial(operation, bp)


def _notification(n) -> dict:
    return {
        "id": n.id, "kind": n.kind, "text": notifications.describe(n), "read": n.read_at is not None,
        "url": site_address(link_for(n)),
        "actor": out.user_ref(n.actor) if n.actor is not None else None,
        "question_id": n.question_id, "answer_id": n.answer_id, "comment_id": n.comment_id,
        "created_at": out.iso(n.created_at), "read_at": out.iso(n.read_at),
    }


@api("GET", "/notifications", summary="The token owner's notifications, newest first, with the unread count",
     tag="notifications", query=s.NotificationsQuery, response=s.NotificationList)
def list_notifications(query: s.NotificationsQuery):
    user = actor()
    result = notifications.list_for(user.id, page=query.page, per_page=query.per_page, unread_only=query.unread)
    return {**out.page(result, _notification), "unread": notifications.unread_count(user.id)}


@api("POST", "/notifications/read", summary="Mark the token owner's notifications read",
     description='{"ids": [...]} marks those; {} or {"all": true} marks everything.', tag="notifications",
     body=s.MarkReadIn, body_required=False, response=s.MarkReadResult)
def mark_notifications_read(data: s.MarkReadIn):
    user = actor()
    changed = notifications.mark_read(user, data.ids)
    return {"marked": changed, "unread": notifications.unread_count(user.id)}
