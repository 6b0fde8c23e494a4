"""Turn models into the JSON shapes of the API; one function per resource."""

from datetime import datetime

from forum.models import Answer, Comment, Question, User
from forum.services.queries import Page, Thread
from forum.urls import absolute, member_url, question_url
from reputation.badges import BY_KEY, BadgeKey
from reputation.events import RepEvent
from reputation.rules import LABELS


def iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") + "Z" if when else None


def page(p: Page, item) -> dict:
    return {"items": [item(i) for i in p.items], "page": p.page, "per_page": p.per_page, "total": p.total}


def user_ref(user: User) -> dict:
    return {"id": user.id, "username": user.username, "reputation": user.reputation}


def comment(c: Comment) -> dict:
    return {"id": c.id, "body": c.body, "body_html": c.body_html, "author": user_ref(c.author),
            "created_at": iso(c.created_at)}


def question_summary(q: Question) -> dict:
    return {
        "id": q.id, "title": q.title,
        "url": question_url(q, link=absolute),
        "product": {"slug": q.product.slug, "name": q.product.name}, "tags": [t.name for t in q.tags],
        "author": user_ref(q.author), "score": q.score, "answer_count": q.answer_count,
        "view_count": q.view_count, "accepted_answer_id": q.accepted_answer_id,
        "created_at": iso(q.created_at), "edited_at": iso(q.edited_at), "last_activity_at": iso(q.last_activity_at),
    }


def care_timing(timing: dict[str, datetime | None]) -> dict:
    """The wait for a first response (forum/services/care/status.py): ISO times or null."""
    return {key: iso(value) for key, value in timing.items()}


def answer(a: Answer, accepted_id: int | None, comments: list[Comment] = ()) -> dict:
    return {
        "id": a.id, "question_id": a.question_id, "body": a.body_md, "body_html": a.body_html,
        "author": user_ref(a.author), "score": a.score, "accepted": a.id == accepted_id,
        "created_at": iso(a.created_at), "edited_at": iso(a.edited_at),
        "comments": [comment(c) for c in comments],
    }


def question_detail(thread: Thread) -> dict:
    q = thread.question
    result = question_summary(q)
    result.update(
        body=q.body_md, body_html=q.body_html,
        comments=[comment(c) for c in thread.comments_on("question", q.id)],
        answers=[answer(a, q.accepted_answer_id, thread.comments_on("answer", a.id)) for a in thread.answers],
        escalation=None,
    )
    return result


def user_profile(user: User, counts: dict[str, int]) -> dict:
    return {"id": user.id, "username": user.username, "reputation": user.reputation, "role": user.role,
            "about": user.about, "created_at": iso(user.created_at),
            "url": member_url(user, link=absolute),
            "counts": counts}


def reputation_item(item) -> dict:
    e = item.entry
    return {"id": e.id, "event": e.event, "label": LABELS.get(RepEvent(e.event), e.event), "delta": e.delta,
            "amount": e.amount, "reason": e.reason, "reverses": e.reverses_id, "question_id": item.question_id,
            "answer_id": item.answer_id, "title": item.title, "created_at": iso(e.created_at)}


def badge(award) -> dict:
    spec = BY_KEY.get(BadgeKey(award.badge))
    return {"badge": award.badge, "name": spec.name if spec else award.badge, "tier": spec.tier.value if spec else None,
            "answer_id": award.answer_id, "awarded_at": iso(award.awarded_at)}
