"""API routes for support cases (agents, CRMs) and knowledge articles (everyone reads published ones)."""

from flask import jsonify, request

from forum.models import Case, CaseStatus
from forum.policy import Permission, require
from forum.services import queries
from forum.services.errors import ValidationFailed
from forum.transaction import transactional
from forum.views.api import actor, body, bp, text_field, viewer
from forum.views.api.content import paging
from moderation import escalation, knowledge


def iso(when):
    return when.isoformat(timespec="seconds") + "Z" if when else None


def case_json(case: Case, *, with_updates: bool = False) -> dict:
    result = {
        "reference": case.reference, "question_id": case.question_id, "status": case.status,
        "priority": case.priority, "customer": {"id": case.customer.id, "username": case.customer.username},
        "assignee": case.assignee.username if case.assignee else None, "product": case.product.slug,
        "sla_due_at": iso(case.sla_due_at), "created_at": iso(case.created_at), "updated_at": iso(case.updated_at),
        "resolved_at": iso(case.resolved_at), "closed_at": iso(case.closed_at),
        "resolution_summary": case.resolution_summary,
    }
    if with_updates:
        from sqlalchemy import select

        from forum.extensions import db
        from forum.models import CaseUpdate

        result["updates"] = [
            {"id": u.id, "public": u.public, "kind": u.kind, "body": u.body, "author": u.author.username,
             "created_at": iso(u.created_at)}
            for u in db.session.scalars(
                select(CaseUpdate).where(CaseUpdate.case_id == case.id).order_by(CaseUpdate.id))]
    return result


def article_json(article, *, full: bool = False) -> dict:
    from forum.views.knowledge import article_url

    result = {"id": article.id, "title": article.title, "summary": article.summary, "state": article.state,
              "product": article.product.slug, "tags": [t.name for t in article.tags],
              "question_id": article.question_id, "answer_id": article.answer_id,
              "author": article.author.username if article.author else None, "version": article.version,
              "url": request.host_url.rstrip("/") + article_url(article),
              "published_at": iso(article.published_at), "updated_at": iso(article.updated_at)}
    if full:
        result.update(body=article.body_md, body_html=article.body_html)
    return result


@bp.post("/questions/<int:question_id>/escalate")
@transactional
def escalate(question_id: int):
    user = actor()
    require(user, Permission.THREAD_ESCALATE)
    data = body()
    try:
        result = escalation.escalate(question_id, actor=user, priority=str(data.get("priority", "normal")),
                                     note=text_field(data, "note", required=False) or "")
    except escalation.CaseExists as exc:
        return jsonify(error={"code": "conflict", "message": exc.message}, case=case_json(exc.case)), 409
    return jsonify(case_json(result.case)), 201


@bp.get("/cases")
def list_cases():
    from sqlalchemy import func, select

    from forum.extensions import db

    user = actor()
    require(user, Permission.CASE_WORK)
    page, per_page = paging()
    query = select(Case)
    status = request.args.get("status")
    if status:
        if status not in {s.value for s in CaseStatus}:
            raise ValidationFailed("Unknown status.", fields={"status": "Use a case status."})
        query = query.where(Case.status == status)
    assignee = request.args.get("assignee")
    if assignee:
        from forum.models import User

        query = query.join(User, User.id == Case.assignee_id).where(User.username == assignee)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(query.order_by(Case.sla_due_at, Case.id).limit(per_page).offset((page - 1) * per_page))
    return jsonify(items=[case_json(c) for c in items], page=page, per_page=per_page, total=total)


@bp.get("/cases/<reference>")
def show_case(reference: str):
    return jsonify(case_json(escalation.get_case(reference, viewer=actor()), with_updates=True))


@bp.patch("/cases/<reference>")
@transactional
def update_case(reference: str):
    user = actor()
    case = escalation.get_case(reference, viewer=user)
    data = body()
    unknown = set(data) - {"status", "assignee", "priority", "summary"}
    if unknown:
        raise ValidationFailed("Unknown fields.", fields=dict.fromkeys(sorted(unknown), "Not a case field."))
    if "priority" in data:
        escalation.set_priority(case, str(data["priority"]), actor=user)
    if "assignee" in data:
        assignee = data["assignee"]
        if assignee is not None and not isinstance(assignee, str):
            raise ValidationFailed("“assignee” is a username or null.", fields={"assignee": "Expected a string."})
        escalation.assign(case, assignee, actor=user)
    if "status" in data:
        summary = text_field(data, "summary", required=False)
        escalation.transition(case, str(data["status"]), actor=user, summary=summary)
    return jsonify(case_json(case))


@bp.post("/cases/<reference>/updates")
@transactional
def post_case_update(reference: str):
    user = actor()
    case = escalation.get_case(reference, viewer=user)
    data = body()
    public = data.get("public")
    if not isinstance(public, bool):
        raise ValidationFailed("“public” must be true or false.", fields={"public": "true: posted on the thread."})
    update = escalation.post_update(case, text_field(data, "body"), public=public, actor=user)
    return jsonify(id=update.id, public=update.public, kind=update.kind, created_at=iso(update.created_at)), 201


@bp.post("/questions/<int:question_id>/publish")
@transactional
def publish(question_id: int):
    user = actor()
    require(user, Permission.ARTICLE_PUBLISH)
    data = body()
    answer_id = data.get("answer_id")
    if not isinstance(answer_id, int) or isinstance(answer_id, bool):
        raise ValidationFailed("“answer_id” must be the id of an answer in the thread.",
                               fields={"answer_id": "Expected an integer."})
    article = knowledge.publish_answer(question_id, answer_id=answer_id, actor=user,
                                       title=text_field(data, "title", required=False),
                                       summary=text_field(data, "summary", required=False),
                                       body=text_field(data, "body", required=False))
    return jsonify(article_json(article, full=True)), 201


@bp.get("/articles")
def list_articles():
    page, per_page = paging()
    product = request.args.get("product")
    product_id = queries.get_product(product).id if product else None
    result = knowledge.list_articles(product_id=product_id, tag=request.args.get("tag") or None, page=page,
                                     per_page=per_page)
    return jsonify(items=[article_json(a) for a in result.items], page=page, per_page=per_page, total=result.total)


@bp.get("/articles/<int:article_id>")
def show_article(article_id: int):
    return jsonify(article_json(knowledge.get_article(article_id, viewer=viewer()), full=True))
