"""Turn models into the JSON shapes of the API (declared in forum/views/api/schemas.py)."""

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from forum.extensions import db
from forum.models import Answer, Case, CaseUpdate, Comment, Question, User
from forum.policy import Permission, can
from forum.services.queries import Page, Thread
from forum.urls import absolute, article_url, member_url, question_url
from reputation.badges import BY_KEY, BadgeKey
from reputation.events import RepEvent
from reputation.rules import LABELS


def iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") + "Z" if when else None


def page(p: Page, item) -> dict:
    return {"items": [item(i) for i in p.items], "page": p.page, "per_page": p.per_page, "total": p.total}


def user_ref(user: User) -> dict:
    return {"id": user.id, "username": user.username, "reputation": user.reputation}


def question_ref(q: Question) -> dict:
    return {"id": q.id, "title": q.title, "url": question_url(q, link=absolute)}


def comment(c: Comment) -> dict:
    return {"id": c.id, "body": c.body, "body_html": c.body_html, "author": user_ref(c.author),
            "created_at": iso(c.created_at), "hidden": c.is_hidden}


def question_state(q: Question) -> str:
    return "locked" if q.is_locked else "closed" if q.is_closed else "open"


def question_summary(q: Question) -> dict:
    return {
        "id": q.id, "title": q.title, "url": question_url(q, link=absolute), "language": q.content_language.value,
        "product": {"slug": q.product.slug, "name": q.product.name}, "tags": [t.name for t in q.tags],
        "author": user_ref(q.author), "score": q.score, "answer_count": q.answer_count,
        "view_count": q.view_count, "accepted_answer_id": q.accepted_answer_id,
        "state": question_state(q), "closed": q.is_closed, "locked": q.is_locked, "close_reason": q.close_reason,
        "duplicate_of_id": q.duplicate_of_id, "deleted": q.is_deleted, "hidden": q.is_hidden,
        "solved": q.is_solved, "solved_by_support": q.is_solved_by_support,
        "created_at": iso(q.created_at), "edited_at": iso(q.edited_at), "last_activity_at": iso(q.last_activity_at),
    }


def care_timing(timing: dict[str, datetime | None]) -> dict:
    """The wait for a first response (forum/services/care/status.py): ISO times or null."""
    return {key: iso(value) for key, value in timing.items()}


def answer(a: Answer, accepted_id: int | None, comments: list[Comment] = (), article_id: int | None = None) -> dict:
    return {
        "id": a.id, "question_id": a.question_id, "body": a.body_md, "body_html": a.body_html,
        "author": user_ref(a.author), "score": a.score, "accepted": a.id == accepted_id,
        "created_at": iso(a.created_at), "edited_at": iso(a.edited_at), "deleted": a.is_deleted,
        "hidden": a.is_hidden, "article_id": article_id, "comments": [comment(c) for c in comments],
    }


def public_case(thread: Thread, viewer: User | None) -> dict | None:
    """The thread's case as its page shows it: status and public staff replies; the reference to staff only."""
    case = thread.case
    if case is None:
        return None
    updates = [{"id": u.id, "kind": "resolution" if u.kind == "resolution" else "update", "body": u.body,
                "body_html": u.body_html, "author": u.author.username, "created_at": iso(u.created_at)}
               for u in thread.staff_replies]
    resolutions = [u["body"] for u in updates if u["kind"] == "resolution"]
    return {"reference": case.reference if can(viewer, Permission.CASE_WORK) else None, "status": case.status,
            "status_label": case.status_label, "opened_at": iso(case.created_at),
            "resolved_at": iso(case.resolved_at), "closed_at": iso(case.closed_at),
            "resolution": resolutions[-1] if resolutions and case.resolved_at else None, "updates": updates}


def question_detail(thread: Thread, viewer: User | None) -> dict:
    q = thread.question
    result = question_summary(q)
    closed_by = db.session.get(User, q.closed_by_id) if q.closed_by_id else None
    articles = {answer_id: article.id for answer_id, article in thread.articles.items()}
    result.update(
        body=q.body_md, body_html=q.body_html,
        close_reason_label=q.close_reason_label if q.close_reason else None,
        closed_at=iso(q.closed_at), closed_by=user_ref(closed_by) if closed_by else None,
        duplicate_of=question_ref(q.duplicate_of) if q.duplicate_of_id and q.duplicate_of else None,
        locked_at=iso(q.locked_at),
        comments=[comment(c) for c in thread.comments_on("question", q.id)],
        answers=[answer(a, q.accepted_answer_id, thread.comments_on("answer", a.id), articles.get(a.id))
                 for a in thread.answers],
        escalation=public_case(thread, viewer),
    )
    return result


def user_profile(user: User, counts: dict[str, int], viewer: User | None) -> dict:
    sees_suspension = viewer is not None and (viewer.id == user.id or can(viewer, Permission.MODERATE))
    return {"id": user.id, "username": user.username, "reputation": user.reputation, "role": user.role,
            "about": user.about or "", "created_at": iso(user.created_at),
            "url": member_url(user, link=absolute),
            "counts": counts, "suspended_until": iso(user.suspended_until) if sees_suspension else None}


def reputation_item(item) -> dict:
    e = item.entry
    return {"id": e.id, "event": e.event, "label": LABELS.get(RepEvent(e.event), e.event), "delta": e.delta,
            "amount": e.amount, "reason": e.reason, "reverses": e.reverses_id, "question_id": item.question_id,
            "answer_id": item.answer_id, "title": item.title, "created_at": iso(e.created_at)}


def badge(award) -> dict:
    spec = BY_KEY.get(BadgeKey(award.badge))
    return {"badge": award.badge, "name": gettext(spec.name) if spec else award.badge,
            "tier": spec.tier.value if spec else None, "answer_id": award.answer_id,
            "awarded_at": iso(award.awarded_at)}


def case_json(case: Case, *, with_updates: bool = False) -> dict:
    result = {
        "reference": case.reference, "question_id": case.question_id, "question": question_ref(case.question),
        "status": case.status, "status_label": case.status_label, "priority": case.priority,
        "customer": user_ref(case.customer), "assignee": case.assignee.username if case.assignee else None,
        "product": case.product.slug, "sla_due_at": iso(case.sla_due_at), "created_at": iso(case.created_at),
        "updated_at": iso(case.updated_at), "resolved_at": iso(case.resolved_at), "closed_at": iso(case.closed_at),
        "resolution_summary": case.resolution_summary,
    }
    if with_updates:
        result["updates"] = [
            {"id": u.id, "public": u.public, "kind": u.kind, "body": u.body, "author": u.author.username,
             "created_at": iso(u.created_at)}
            for u in db.session.scalars(
                select(CaseUpdate).where(CaseUpdate.case_id == case.id).order_by(CaseUpdate.id))]
    return result


def article_json(article, *, full: bool = False, viewer: User | None = None) -> dict:
    from moderation import knowledge

    result = {"id": article.id, "title": article.title, "summary": article.summary, "state": article.state,
              "product": article.product.slug, "tags": [t.name for t in article.tags],
              "question_id": article.question_id, "answer_id": article.answer_id,
              "author": article.author.username if article.author else None, "version": article.version,
              "url": article_url(article, link=absolute),
              "published_at": iso(article.published_at), "updated_at": iso(article.updated_at)}
    if full:
        versions = None
        if can(viewer, Permission.ARTICLE_EDIT):
            versions = [{"number": v.number, "state": v.state, "editor": v.editor.username, "note": v.note,
                         "created_at": iso(v.created_at)} for v in knowledge.versions(article)]
        result.update(body=article.body_md, body_html=article.body_html, versions=versions)
    return result
