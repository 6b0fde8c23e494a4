"""The notifications page, marking read, the bell's count and one-click unsubscribe (RFC 8058)."""

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from forum import auth
from forum.extensions import csrf
from forum.models import NotificationKind
from forum.parse import parse_id
from forum.services import notifications, preferences
from forum.transaction import transactional
from forum.urls import question_url
from forum.views.common import page_arg

bp = Blueprint("notifications", __name__)

PER_PAGE = 30


def link_for(n) -> str:
    """Where a notification leads: the thread (at the answer or comment), else the list."""
    if n.question is None:
        return url_for("notifications.index")
    if n.kind == NotificationKind.CASE_SURVEY:
        return url_for("satisfaction.for_question", question_id=n.question_id)
    return question_url(n.question, notifications.anchor(n))


@bp.app_template_global()
def unread_notification_count() -> int:
    """The bell's number: one small query per page, only for signed-in members."""
    user = auth.current()
    if user is None:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = notifications.unread_count(user.id)
    return g.unread_notifications


@bp.get("/notifications")
@auth.login_required
def index():
    unread_only = request.args.get("show") == "unread"
    page = notifications.list_for(auth.current().id, page=page_arg(), per_page=PER_PAGE, unread_only=unread_only)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           describe=notifications.describe, link_for=link_for)


@bp.post("/notifications/read")
@auth.login_required
@transactional
def mark_read():
    raw = request.form.getlist("id")
    ids = [parse_id(value) for value in raw] if raw else None
    if ids is not None and None in ids:
        raise BadRequest(_("Notification ids are numbers."))
    notifications.mark_read(auth.current(), ids)
    return redirect(url_for("notifications.index", show=request.form.get("show") or None))


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """Only a confirmation page: link scanners fetch URLs from email and must not unsubscribe anyone."""
    user, kind = preferences.read_unsubscribe_token(token)
    return render_template("notifications/unsubscribe.html", token=token, done=None,
                           label=preferences.Unsubscribe(user, kind, False).label,
                           subscribed=preferences.is_subscribed(user.id, kind))


@bp.post("/unsubscribe/<token>")
@csrf.exempt
@transactional
def unsubscribe_one_click(token: str):
    """RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" with no cookies or CSRF token.

    The signed token is the authorization; the answer is 200 whether or not anything changed.
    """
    result = preferences.unsubscribe(token)
    return render_template("notifications/unsubscribe.html", token=token, done=result, label=result.label,
                           subscribed=False)
