"""In-app notifications (README, "Notifications, email digests and feeds") and their immediate emails.

The Q&A services announce events; `_on_event` records one outbox message per event, and
its handler (after the commit, in the worker) creates the notifications: an answer to your
question, a comment on your post, your answer accepted, an @mention (at most
MENTIONS_PER_POST members per post, each told once per post).

Other features add their own notifications with one call, inside their own transaction:

    notifications.notify(user_id, NotificationKind.CASE_UPDATE, question_id=q.id,
                         message="case.status.resolved", params={"title": q.title[:80]})

A message is a key of MESSAGES with the values its sentence names: the notification is written
in the reader's language whenever it is shown (page, email, API), not in the notifier's.

`notify` skips deleted accounts and people notifying themselves, and queues the email when
the member opted in to that kind. A new kind is a new NotificationKind member with its
label (the preferences page and unsubscribe links pick it up from there).
"""

import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from forum import bulk, mail, urls
from forum.extensions import db
from forum.models import Answer, Comment, Notification, NotificationKind, Product, Question, User, utcnow
from forum.policy import visibility
from forum.services import outbox, preferences
from forum.services.accounts import username_key
from forum.services.errors import ValidationFailed
from forum.services.events import Event, subscribe
from forum.services.privacy import export_section
from forum.services.queries import Page

REACT = "notifications.react"
EMAIL = "notifications.email"
FORGET = "notifications.forget"
DEFAULT_MENTION_CAP = 10
UNREAD_DISPLAY_CAP = 99


_FENCED = re.compile(r"(^|\n)(```|~~~).*?(\n\2|$)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_MENTION = re.compile(r"(?<![\w@./+-])@([A-Za-z0-9_-]{3,30})(?![\w-])")


# --- creating notifications ------------------------------------------------------------------

# What features say in their notifications; each sentence whole, its values by name.
MESSAGES: dict[str, str] = {
    "case.auto_escalated": _l("Our support team is looking at your question."),
    "case.escalated": _l("The support team is now looking into your question “%(title)s” (reference %(reference)s)."),
    "case.status.new": _l("Your support request “%(title)s” is new again."),
    "case.status.open": _l("Your support request “%(title)s” is open."),
    "case.status.waiting_on_customer": _l("Your support request “%(title)s” is waiting for your reply."),
    "case.status.resolved": _l("Your support request “%(title)s” is resolved."),
    "case.status.closed": _l("Your support request “%(title)s” is closed."),
    "case.update": _l("New update from support on %(reference)s."),
    "case.customer_reply": _l("The customer replied on %(reference)s."),
    "case.assigned": _l("%(reference)s is assigned to you."),
    "case.update_due": _l("%(reference)s: the customer is due an update."),
    "case.survey": _l("%(reference)s is resolved. How satisfied are you with the help you got?"),
}


def _known(message: str) -> str:
    if message and message not in MESSAGES:
        raise ValueError(f"unknown notification message {message!r}")
    return message


def notify(user_id: int, kind: NotificationKind | str, *, actor_id: int | None = None,
           question_id: int | None = None, answer_id: int | None = None, comment_id: int | None = None,
           message: str = "", params: dict | None = None, email: bool = True) -> Notification | None:
    """Tell a member something happened, in the caller's transaction (this does not commit).

    Returns None without notifying when the member doesn't exist, deleted their account or is
    the actor. Queues an immediate email when they opted in to `kind`, unless `email` is False
    (the feature sends its own email). Raises ValueError for an unknown kind.
    """
    kind = NotificationKind(kind)
    _known(message)
    if user_id is None or (actor_id is not None and actor_id == user_id):
        return None
    if db.session.scalar(select(User.id).where(User.id == user_id, visibility.member_clause())) is None:
        return None
    notification = Notification(user_id=user_id, kind=kind.value, actor_id=actor_id, question_id=question_id,
                                answer_id=answer_id, comment_id=comment_id, message=message, params=params or None)
    db.session.add(notification)
    db.session.flush()
    if not email:
        return notification
    product_id = (db.session.scalar(select(Question.product_id).where(Question.id == question_id))
                  if question_id is not None else None)
    if preferences.wants_email(user_id, kind.value, product_id=product_id):
        outbox.defer(EMAIL, notification_id=notification.id)
    return notification


def notify_many(items: list[dict]) -> int:
    """`notify` for many notifications at once (the care run): each item has `user_id`, `kind` and
    optionally `question_id`, `message` with its `params`, `actor_id`. Same rules, a fixed number of queries."""
    items = [i for i in items if i["user_id"] is not None and i.get("actor_id") != i["user_id"]]
    if not items:
        return 0
    live = set(db.session.scalars(select(User.id).where(User.id.in_({i["user_id"] for i in items}),
                                                        visibility.member_clause())))
    rows = [{"user_id": i["user_id"], "kind": NotificationKind(i["kind"]).value, "actor_id": i.get("actor_id"),
             "question_id": i.get("question_id"), "message": _known(i.get("message", "")),
             "params": i.get("params") or None, "text": ""}
            for i in items if i["user_id"] in live]
    if not rows:
        return 0
    created = [notification_id for (notification_id,) in bulk.insert_returning(Notification, rows)]
    question_ids = {r["question_id"] for r in rows if r["question_id"] is not None}
    products = dict(db.session.execute(select(Question.id, Question.product_id)
                                       .where(Question.id.in_(question_ids))).all()) if question_ids else {}
    pairs = [(r["user_id"], r["kind"], products.get(r["question_id"])) for r in rows]
    wanted = preferences.email_wanted(pairs)
    outbox.defer_many(EMAIL, [{"notification_id": nid} for nid, pair in zip(created, pairs, strict=True)
                              if pair in wanted])
    return len(created)


def _on_event(event: Event, **ids: int | None) -> None:
    outbox.defer(REACT, event=event.value, **ids)


def _on_account_deleted(event: Event, *, user_id: int, **_ids: int | None) -> None:
    outbox.defer(FORGET, user_id=user_id)


def react(payload: dict) -> None:
    """Create the notifications one domain event calls for (runs once per event, after commit)."""
    event = Event(payload["event"])
    match event:
        case Event.ANSWER_POSTED:
            _answer_posted(payload["answer_id"])
        case Event.COMMENT_POSTED:
            _comment_posted(payload["comment_id"])
        case Event.ANSWER_ACCEPTED:
            _answer_accepted(payload["answer_id"])
        case Event.QUESTION_ASKED | Event.QUESTION_EDITED:
            question = db.session.get(Question, payload["question_id"])
            if question is not None and visibility.is_public(question):
                _mentions(question.body_md, question.author_id, question_id=question.id)
        case Event.ANSWER_EDITED:
            answer = db.session.get(Answer, payload["answer_id"])
            if answer is not None and visibility.is_public(answer):
                _mentions(answer.body_md, answer.author_id, question_id=answer.question_id, answer_id=answer.id)


def _answer_posted(answer_id: int) -> None:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not visibility.is_public(answer):
        return  # a post hidden for review (spam flags, watched words) notifies nobody
    notify(answer.question.author_id, NotificationKind.ANSWER, actor_id=answer.author_id,
           question_id=answer.question_id, answer_id=answer.id)
    _mentions(answer.body_md, answer.author_id, question_id=answer.question_id, answer_id=answer.id,
              already={answer.question.author_id})


def _comment_posted(comment_id: int) -> None:
    comment = db.session.get(Comment, comment_id)
    if comment is None or not visibility.is_public(comment):
        return
    if comment.answer_id is not None:
        post_author = db.session.scalar(select(Answer.author_id).where(Answer.id == comment.answer_id))
    else:
        post_author = db.session.scalar(select(Question.author_id).where(Question.id == comment.question_id))
    notify(post_author, NotificationKind.COMMENT, actor_id=comment.author_id, question_id=comment.question_id,
           answer_id=comment.answer_id, comment_id=comment.id)
    _mentions(comment.body, comment.author_id, question_id=comment.question_id, answer_id=comment.answer_id,
              comment_id=comment.id, already={post_author})


def _answer_accepted(answer_id: int) -> None:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not visibility.is_public(answer) or answer.question.accepted_answer_id != answer.id:
        return
    notify(answer.author_id, NotificationKind.ACCEPTED, actor_id=answer.question.author_id,
           question_id=answer.question_id, answer_id=answer.id)


def mentioned_names(text: str, cap: int) -> list[str]:
    """The distinct @usernames in a post (outside code), first `cap` of them, in order."""
    text = _INLINE_CODE.sub(" ", _FENCED.sub("\n", text or ""))
    names: list[str] = []
    seen: set[str] = set()
    for match in _MENTION.finditer(text):
        key = username_key(match.group(1))
        if key not in seen:
            seen.add(key)
            names.append(key)
            if len(names) >= cap:
                break
    return names


def _mentions(text: str, author_id: int, *, question_id: int, answer_id: int | None = None,
              comment_id: int | None = None, already: set[int] | None = None) -> None:
    """Notify the members mentioned in a post, once per post even when it is edited."""
    keys = mentioned_names(text, current_app.config.get("MENTIONS_PER_POST", DEFAULT_MENTION_CAP))
    if not keys:
        return
    members = db.session.execute(select(User.id).where(User.username_key.in_(keys), visibility.member_clause()))
    targets = {member_id for (member_id,) in members} - {author_id} - (already or set())
    if not targets:
        return
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == NotificationKind.MENTION.value, Notification.user_id.in_(targets),
        Notification.question_id == question_id,
        Notification.answer_id.is_(None) if answer_id is None else Notification.answer_id == answer_id,
        Notification.comment_id.is_(None) if comment_id is None else Notification.comment_id == comment_id)))
    for user_id in sorted(targets - told):
        notify(user_id, NotificationKind.MENTION, actor_id=author_id, question_id=question_id,
               answer_id=answer_id, comment_id=comment_id)


def forget(payload: dict) -> None:
    """A deleted account keeps no notifications, follows or email choices."""
    user_id = payload["user_id"]
    db.session.execute(Notification.__table__.delete().where(Notification.user_id == user_id))
    preferences.forget(user_id)


# --- reading and marking ---------------------------------------------------------------------

def unread_count(user_id: int) -> int:
    """Unread notifications, counted up to UNREAD_DISPLAY_CAP + 1 (the bell shows "99+")."""
    capped = (select(Notification.id).where(Notification.user_id == user_id, Notification.read_at.is_(None))
              .limit(UNREAD_DISPLAY_CAP + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(capped)) or 0


def list_for(user_id: int, *, page: int = 1, per_page: int = 30, unread_only: bool = False) -> Page:
    """The member's notifications, newest first, with actor and question loaded (two queries)."""
    where = [Notification.user_id == user_id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count(Notification.id)).where(*where)) or 0
    items = list(db.session.scalars(
        select(Notification).where(*where).options(joinedload(Notification.actor), joinedload(Notification.question))
        .order_by(Notification.id.desc()).limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def mark_read(user: User, ids: list[int] | None = None) -> int:
    """Mark the given notifications (or all of them) read; returns how many changed.

    Ids that are not the member's are ignored, so nobody can touch another member's list.
    """
    if ids is not None and (not isinstance(ids, list) or not all(type(i) is int for i in ids)):
        raise ValidationFailed(_("“ids” must be a list of notification ids."), fields={"ids": _("Expected integers.")})
    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if ids is not None:
        if not ids:
            return 0
        where.append(Notification.id.in_(ids[:500]))
    changed = db.session.execute(update(Notification).where(*where).values(read_at=utcnow())).rowcount
    db.session.flush()
    return changed or 0


def stored_text(n: Notification) -> str:
    """The feature's own sentence, in the language being rendered; rows from before messages keep their text."""
    sentence = MESSAGES.get(n.message)
    if sentence is None:
        return n.text
    values = {key: " ".join(str(value).split()) for key, value in (n.params or {}).items()}
    return mail.header_text(str(sentence) % values, 300)


def describe(n: Notification) -> str:
    """One plain-text line saying what happened ("alice answered your question “…”")."""
    who = n.actor.username if n.actor is not None else _("Someone")
    title = _("“%(title)s”", title=n.question.title) if n.question is not None else _("a question")
    match n.kind:
        case NotificationKind.ANSWER:
            return _("%(who)s answered your question %(title)s", who=who, title=title)
        case NotificationKind.COMMENT if n.answer_id:
            return _("%(who)s commented on your answer on %(title)s", who=who, title=title)
        case NotificationKind.COMMENT:
            return _("%(who)s commented on your question on %(title)s", who=who, title=title)
        case NotificationKind.ACCEPTED:
            return _("%(who)s accepted your answer on %(title)s", who=who, title=title)
        case NotificationKind.MENTION if n.comment_id:
            return _("%(who)s mentioned you in a comment on %(title)s", who=who, title=title)
        case NotificationKind.MENTION if n.answer_id:
            return _("%(who)s mentioned you in an answer on %(title)s", who=who, title=title)
        case NotificationKind.MENTION:
            return _("%(who)s mentioned you in a question on %(title)s", who=who, title=title)
        case NotificationKind.CASE_UPDATE:
            return stored_text(n) or _("Support updated the case on %(title)s", title=title)
        case NotificationKind.MODERATOR_ACTION:
            return stored_text(n) or _("A moderator acted on your post on %(title)s", title=title)
        case NotificationKind.CASE_SURVEY:
            return stored_text(n) or _("How satisfied are you with the help you got on %(title)s?", title=title)
    return stored_text(n) or _("Something happened")


def anchor(n: Notification) -> str | None:
    """Where on the thread page the notification points."""
    if n.comment_id:
        return urls.comment_anchor(n.comment_id)
    if n.answer_id:
        return urls.answer_anchor(n.answer_id)
    return None


# --- immediate email -------------------------------------------------------------------------

def email_notification(payload: dict) -> None:
    """Email one notification, unless the member opted out or deleted their account meanwhile."""
    n = db.session.scalar(select(Notification).where(Notification.id == payload["notification_id"])
                          .options(joinedload(Notification.actor), joinedload(Notification.question)))
    if n is None:
        return
    user = db.session.get(User, n.user_id)
    product_id = n.question.product_id if n.question is not None else None
    if not visibility.is_live_account(user) or not preferences.wants_email(user.id, n.kind,
                                                                          product_id=product_id):
        return  # opted out (of the kind or the product) or deleted the account since
    link = (urls.question_url(n.question, anchor(n), link=urls.site_links())
            if n.question is not None else urls.site_url("notifications.index"))
    token = preferences.unsubscribe_token(user.id, n.kind)
    with mail.written_for(user):
        summary = describe(n)
        message = mail.render(
            "notification", to=user.email, subject=summary, unsubscribe_url=urls.site_url(
                "notifications.unsubscribe", token=token),
            user=user, summary=summary, link=link, kind_label=NotificationKind.label_of(n.kind),
            settings_url=urls.site_url("preferences.page"), excerpt=_excerpt(n))
    try:
        mail.send(message)
    except mail.MailUnavailable as exc:
        raise outbox.RetryLater(f"mail server unavailable: {exc}") from exc


def _excerpt(n: Notification) -> str:
    """A short plain-text quote of what was written (the stored markdown/plain source)."""
    text = ""
    if n.comment_id:
        text = db.session.scalar(select(Comment.body).where(Comment.id == n.comment_id)) or ""
    elif n.answer_id:
        text = db.session.scalar(select(Answer.body_md).where(Answer.id == n.answer_id)) or ""
    elif n.kind == NotificationKind.MENTION and n.question is not None:
        text = n.question.body_md
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:399].rstrip() + "…"


def _export(user_id: int) -> dict:
    choices = preferences.choices(user_id)
    follows = preferences.following(user_id)
    return {
        "email": {"digest": choices.digest, "time_zone": choices.time_zone,
                  "immediate": sorted(choices.email_kinds),
                  "quiet_products": sorted(db.session.scalars(select(Product.slug).where(
                      Product.id.in_(choices.quiet_product_ids))))},
        "following": {"products": [p.slug for p in follows.products], "tags": [t.name for t in follows.tags],
                      "questions": [q.id for q in follows.questions]},
        "notifications": [
            {"kind": n.kind, "question_id": n.question_id, "answer_id": n.answer_id, "comment_id": n.comment_id,
             "text": stored_text(n), "created_at": n.created_at.isoformat(timespec="seconds") + "Z",
             "read": n.read_at is not None}
            for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                        .order_by(Notification.id))],
    }


def init_app(app) -> None:
    """Register the reactions to Q&A events, the outbox handlers and the export section."""
    subscribe(Event.ANSWER_POSTED, Event.COMMENT_POSTED, Event.ANSWER_ACCEPTED, Event.QUESTION_ASKED,
              Event.QUESTION_EDITED, Event.ANSWER_EDITED)(_on_event)
    subscribe(Event.ACCOUNT_DELETED)(_on_account_deleted)
    outbox.handler(REACT)(react)
    outbox.handler(FORGET)(forget)
    outbox.handler(EMAIL, background=True)(email_notification)
    export_section("notifications")(_export)
