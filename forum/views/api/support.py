"""API routes for support cases (agents, CRMs) and knowledge articles (everyone reads published ones)."""

from functools import partial

from flask import jsonify
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Case, User
from forum.policy import Permission, require
from forum.services import queries
from forum.views.api import actor, bp, viewer
from forum.views.api import schemas as s
from forum.views.api.operations import operation
from forum.views.api.serialize import article_json, case_json, iso
from moderation import escalation, knowledge

api = partial(operation, bp)
CASE_LINKS = {"GetCase": {"operationId": "show_case", "parameters": {"reference": "$response.body#/reference"}},
              "UpdateCase": {"operationId": "update_case", "parameters": {"reference": "$response.body#/reference"}}}


@api("POST", "/questions/<int:question_id>/escalate", tag="cases", body=s.EscalateIn, body_required=False,
     response=s.CaseOut, status=201, error_models={409: s.CaseConflict}, links=CASE_LINKS,
     summary="Moderator/agent: open a support case; 409 with the existing case", permission=Permission.THREAD_ESCALATE)
def escalate(question_id: int, data: s.EscalateIn):
    user = actor()
    require(user, Permission.THREAD_ESCALATE)
    try:
        result = escalation.escalate(question_id, actor=user, priority=data.priority, note=data.note or "")
    except escalation.CaseExists as exc:
        return jsonify(error={"code": "conflict", "message": exc.message}, case=case_json(exc.case)), 409
    return case_json(result.case)


@api("GET", "/cases", summary="Agents: cases, due first", tag="cases", query=s.CasesQuery, response=s.CaseList,
     permission=Permission.CASE_WORK)
def list_cases(query: s.CasesQuery):
    require(actor(), Permission.CASE_WORK)
    statement = select(Case)
    if query.status:
        statement = statement.where(Case.status == query.status)
    if query.assignee:
        statement = statement.join(User, User.id == Case.assignee_id).where(User.username == query.assignee)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    items = db.session.scalars(statement.order_by(Case.sla_due_at, Case.id).limit(query.per_page)
                               .offset((query.page - 1) * query.per_page))
    return {"items": [case_json(c) for c in items], "page": query.page, "per_page": query.per_page, "total": total}


@api("GET", "/cases/<reference>", summary="Agents: a case with its updates and internal notes", tag="cases",
     response=s.CaseDetail)
def show_case(reference: str):
    return case_json(escalation.get_case(reference, viewer=actor()), with_updates=True)


@api("PATCH", "/cases/<reference>", tag="cases", body=s.CasePatch, response=s.CaseOut, errors=(409,),
     permission=Permission.CASE_WORK,
     summary="Agents/CRM: change status (a summary is needed to resolve), assignee, priority")
def update_case(reference: str, data: s.CasePatch):
    user = actor()
    case = escalation.get_case(reference, viewer=user)
    if data.priority is not None:
        escalation.set_priority(case, data.priority, actor=user)
    if "assignee" in data.model_fields_set:
        escalation.assign(case, data.assignee, actor=user)
    if data.status is not None:
        escalation.transition(case, data.status, actor=user, summary=data.summary)
    return case_json(case)


@api("POST", "/cases/<reference>/updates", tag="cases", body=s.CaseUpdateIn, response=s.CaseUpdateCreated,
     permission=Permission.CASE_WORK,
     status=201, summary="Agents/CRM: a public update (posted on the thread) or an internal note")
def post_case_update(reference: str, data: s.CaseUpdateIn):
    user = actor()
    case = escalation.get_case(reference, viewer=user)
    update = escalation.post_update(case, data.body, public=data.public, actor=user)
    return {"id": update.id, "public": update.public, "kind": update.kind, "created_at": iso(update.created_at)}


@api("POST", "/questions/<int:question_id>/publish", tag="knowledge", body=s.PublishIn, response=s.ArticleDetail,
     status=201, errors=(409,), summary="Moderator: publish an answer as a knowledge article",
     permission=Permission.ARTICLE_PUBLISH)
def publish(question_id: int, data: s.PublishIn):
    user = actor()
    require(user, Permission.ARTICLE_PUBLISH)
    article = knowledge.publish_answer(question_id, answer_id=data.answer_id, actor=user, title=data.title,
                                       summary=data.summary, body=data.body)
    return article_json(article, full=True, viewer=user)


@api("GET", "/articles", summary="Published knowledge articles", tag="knowledge", token=False,
     query=s.ArticlesQuery, response=s.ArticleList)
def list_articles(query: s.ArticlesQuery):
    product_id = queries.get_product(query.product).id if query.product else None
    result = knowledge.list_articles(product_id=product_id, tag=query.tag or None, page=query.page,
                                     per_page=query.per_page)
    return {"items": [article_json(a) for a in result.items], "page": query.page, "per_page": query.per_page,
            "total": result.total}


@api("GET", "/articles/<int:article_id>", summary="A knowledge article (staff also see drafts and the history)",
     tag="knowledge", token=False, response=s.ArticleDetail)
def show_article(article_id: int):
    return article_json(knowledge.get_article(article_id, viewer=viewer()), full=True, viewer=viewer())
