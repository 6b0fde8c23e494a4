"""The agents' case queue and case pages, escalation from threads, and webhook settings."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import auth
from forum.extensions import db
from forum.forms import ActionForm
from forum.models import Case, CaseEvent, CasePriority, CaseStatus, CaseUpdate, DeliveryStatus, Product, User, utcnow
from forum.policy import Permission, can, require, roles, visibility
from forum.services import posts, profile_fields, queries, satisfaction, sso, webhooks
from forum.services.care import cadence, routing
from forum.services.errors import ServiceError
from forum.transaction import unit_of_work
from forum.urls import SUPPORT_ANCHOR, SUPPORT_REPLY_ANCHOR, case_url, question_url
from forum.views.common import act, page_arg
from moderation import escalation

bp = Blueprint("cases", __name__)

QUEUES = {"all": _l("All open"), "mine": _l("My cases"), "unassigned": _l("Unassigned"), "overdue": _l("Overdue"),
          "update_due": _l("Update due")}
PER_PAGE = 30


def _queue_query(queue: str, status: str | None, product: str | None, sort: str, me):
    query = select(Case).options(joinedload(Case.question), joinedload(Case.assignee), joinedload(Case.product))
    if status:
        if status not in {s.value for s in CaseStatus}:
            abort(400, description="Unknown status filter.")
        query = query.where(Case.status == status)
    else:
        query = query.where(Case.status != CaseStatus.CLOSED.value)
    if queue == "mine":
        query = query.where(Case.assignee_id == me.id)
    elif queue == "unassigned":
        query = query.where(Case.assignee_id.is_(None))
    elif queue == "overdue":
        query = query.where(Case.sla_due_at < utcnow(),
                            Case.status.in_([CaseStatus.NEW.value, CaseStatus.OPEN.value, CaseStatus.WAITING.value]))
    elif queue == "update_due":
        query = query.where(Case.id.in_([c.id for c in cadence.lapsed_cases()]))
    if product:
        query = query.where(Case.product_id == queries.get_product(product).id)
    order = {"due": [Case.sla_due_at, Case.id], "newest": [Case.created_at.desc(), Case.id.desc()],
             "updated": [Case.updated_at.desc(), Case.id.desc()]}.get(sort)
    if order is None:
        abort(400, description="Sort by due, newest or updated.")
    return query.order_by(*order)


@bp.get("/cases")
@auth.login_required
def index():
    me = auth.current()
    require(me, Permission.CASE_WORK)
    queue = request.args.get("queue", "all")
    if queue not in QUEUES:
        abort(400, description="Unknown queue.")
    status, product = request.args.get("status") or None, request.args.get("product") or None
    sort = request.args.get("sort", "due")
    query = _queue_query(queue, status, product, sort, me)
    page = page_arg()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique())
    return render_template("cases/index.html", page=queries.Page(items, page, PER_PAGE, total), queue=queue,
                           queues=QUEUES, status=status, product=product, sort=sort, statuses=list(CaseStatus),
                           products=db.session.scalars(select(Product).order_by(Product.name)).all(),
                           now=utcnow(),
                           update_due=cadence.update_due_ids([c.id for c in items]), away=routing.is_away(me.id),
                           action_form=ActionForm())


@bp.post("/cases/away")
@auth.login_required
def away():
    """An agent marks themselves away (new cases skip them) or back."""
    me = auth.current()
    require(me, Permission.CASE_WORK)
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired; please go back and try again.")
    going = request.form.get("away") == "on"

    def run():
        with unit_of_work():
            routing.set_away(me, going)

    return act(run, done=url_for("cases.index"), back=url_for("cases.index"),
               message="You're marked away: new cases go to the other agents." if going else
               "Welcome back: new cases can come to you again.")


@bp.get("/cases/<reference>")
@auth.login_required
def show(reference: str):
    me = auth.current()
    case = escalation.get_case(reference, viewer=me)
    updates = list(db.session.scalars(select(CaseUpdate).where(CaseUpdate.case_id == case.id)
                                      .options(joinedload(CaseUpdate.author)).order_by(CaseUpdate.created_at)))
    thread = queries.load_thread(case.question_id, me)
    agents = db.session.scalars(select(User).where(roles.role_clause(roles.SUPPORT_TEAM),
                                                   visibility.member_clause()).order_by(User.username)).all()
    history = list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                      .order_by(CaseEvent.created_at, CaseEvent.id)))
    return render_template("cases/show.html", case=case, updates=updates, thread=thread, agents=agents,
                           history=[(e, e.kind_label, (e.data or {}).get("reason", ""))
                                    for e in history],
                           update_due=case.id in cadence.update_due_ids([case.id]),
                           now=utcnow(), priorities=list(CasePriority),
                           next_statuses=sorted(escalation.TRANSITIONS[CaseStatus(case.status)]),
                           action_form=ActionForm(), survey=satisfaction.survey_of_case(case.id),
                           **_customer_details(me, case))


def _customer_details(me, case) -> dict:
    """What the customer told us (staff-only answers too) and their segment, for the support team only."""
    if not can(me, Permission.CUSTOMER_DETAILS_VIEW):
        return {"customer_answers": [], "customer_segments": []}
    return {"customer_answers": profile_fields.question_answers(case.question_id, staff=True),
            "customer_segments": sso.segments(case.customer_id)}


def _case_action(reference: str, fn, message: str):
    me = auth.current()
    case = escalation.get_case(reference, viewer=me)
    url = case_url(case)
    return act(lambda: fn(case, me), done=url, back=url, message=message)


@bp.post("/cases/<reference>/status")
@auth.login_required
def change_status(reference: str):
    status, summary = request.form.get("status", ""), request.form.get("summary")
    return _case_action(reference, lambda c, me: escalation.transition(c, status, actor=me, summary=summary),
                        "Status changed.")


@bp.post("/cases/<reference>/assign")
@auth.login_required
def assign(reference: str):
    assignee = request.form.get("assignee") or None
    return _case_action(reference, lambda c, me: escalation.assign(c, assignee, actor=me), "Assignee changed.")


@bp.post("/cases/<reference>/priority")
@auth.login_required
def priority(reference: str):
    value = request.form.get("priority", "")
    return _case_action(reference, lambda c, me: escalation.set_priority(c, value, actor=me), "Priority changed.")


@bp.post("/cases/<reference>/updates")
@auth.login_required
def post_update(reference: str):
    body, public = request.form.get("body", ""), request.form.get("visibility") == "public"
    return _case_action(reference, lambda c, me: escalation.post_update(c, body, public=public, actor=me),
                        "Public update posted to the thread." if public else "Internal note added.")


@bp.post("/questions/<int:question_id>/escalate")
@auth.login_required
def escalate(question_id: int):
    me = auth.current()
    require(me, Permission.THREAD_ESCALATE)
    question = posts.get_question(question_id, viewer=me)
    try:
        with unit_of_work():
            result = escalation.escalate(question_id, actor=me, priority=request.form.get("priority", "normal"),
                                         note=request.form.get("note", ""))
    except escalation.CaseExists as exc:
        flash(exc.message, "info")
        return redirect(case_url(exc.case))
    except ServiceError as exc:
        flash(exc.message if not exc.fields else " ".join(exc.fields.values()), "error")
        return redirect(question_url(question))
    flash(_("Escalated as %(reference)s.", reference=result.case.reference), "success")
    return redirect(case_url(result.case))


@bp.post("/questions/<int:question_id>/case-response")
@auth.login_required
def customer_response(question_id: int):
    me = auth.current()
    question = posts.get_question(question_id, viewer=me)
    accept = request.form.get("response") == "accept"
    return act(lambda: escalation.customer_response(question_id, customer=me, accept=accept),
               done=question_url(question, SUPPORT_ANCHOR), back=question_url(question, SUPPORT_ANCHOR),
               message="Thanks! The case is closed." if accept else "The case is reopened; support will follow up.")


@bp.post("/questions/<int:question_id>/support-reply")
@auth.login_required
def customer_reply(question_id: int):
    """The asker answers support on the thread: a message on the case, not an answer to the question."""
    me = auth.current()
    question = posts.get_question(question_id, viewer=me)
    body = request.form.get("body", "")

    return act(lambda: escalation.customer_reply(question_id, body, customer=me), done=question_url(question),
               back=question_url(question), here=SUPPORT_REPLY_ANCHOR,
               message=_("Your reply is sent to the support team."))


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@auth.login_required
def webhook_settings():
    me = auth.current()
    require(me, Permission.ADMIN_SETTINGS)
    new_secret = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            with unit_of_work():
                _endpoint, new_secret = webhooks.add_endpoint(request.form.get("url", ""),
                                                      description=request.form.get("description", ""), actor=me,
                                                      events=request.form.getlist("events") or None)
        except ServiceError as exc:
            errors = exc.fields or {"url": exc.message}
        else:
            flash(_("Endpoint added. Copy its signing secret now: it is shown once."), "success")
    return render_template("cases/webhooks.html", endpoints=webhooks.endpoints(),
                           deliveries=webhooks.recent_deliveries(), new_secret=new_secret, errors=errors,
                           action_form=ActionForm(), event_types=webhooks.EVENT_TYPES,
                           delivery_status=DeliveryStatus,
                           private_allowed=webhooks.private_addresses_allowed()), 422 if errors else 200


@bp.post("/admin/webhooks/private-addresses")
@auth.login_required
def webhook_private_addresses():
    """The "allow private addresses (on-premises CRM)" switch."""
    me = auth.current()
    require(me, Permission.WEBHOOKS_MANAGE)
    allowed = request.form.get("allow_private") == "on"
    return act(lambda: webhooks.allow_private_addresses(allowed, actor=me), done=url_for("cases.webhook_settings"),
               back=url_for("cases.webhook_settings"),
               message="Private addresses are allowed." if allowed else "Private addresses are refused.")


@bp.post("/admin/webhooks/<int:endpoint_id>/test")
@auth.login_required
def test_webhook(endpoint_id: int):
    """Send the endpoint a signed test event now; the page says what the receiver answered."""
    me = auth.current()
    require(me, Permission.WEBHOOKS_MANAGE)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        flash(webhooks.send_test_event(endpoint_id, actor=me), "success")
    except ServiceError as exc:
        flash(exc.message, "error")
    return redirect(url_for("cases.webhook_settings"))


@bp.post("/admin/webhooks/<int:endpoint_id>/deactivate")
@auth.login_required
def deactivate_webhook(endpoint_id: int):
    me = auth.current()
    require(me, Permission.ADMIN_SETTINGS)
    return act(lambda: webhooks.deactivate_endpoint(endpoint_id, actor=me), done=url_for("cases.webhook_settings"),
               back=url_for("cases.webhook_settings"), message=_("Endpoint turned off."))
