"""Product response targets (admins): business hours, first-response target, automatic
escalation and update cadence, and the agents who take each product's cases."""

from babel.dates import get_day_names
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from forum import auth
from forum.forms import ActionForm
from forum.models import CasePriority, EscalationPolicy
from forum.policy import Permission, require
from forum.services import queries
from forum.services.care import offers, routing, targets
from forum.services.care import status as care_status
from forum.services.errors import ValidationFailed
from forum.services.preferences import time_zones
from forum.transaction import unit_of_work

bp = Blueprint("care", __name__)


def _settings_from_form() -> dict:
    form = request.form
    return {
        "time_zone": form.get("time_zone", "").strip() or None,
        "working_days": form.getlist("working_days"),
        "opens_at": form.get("opens_at", ""),
        "closes_at": form.get("closes_at", ""),
        "holidays": form.get("holidays", ""),
        "first_response_hours": form.get("first_response_hours", "").strip() or None,
        "escalation_policy": form.get("escalation_policy", ""),
        "escalate_after_hours": form.get("escalate_after_hours", "").strip(),
        "escalation_priority": form.get("escalation_priority", ""),
        "update_cadence": {p: form.get(f"cadence_{p}", "").strip() or None for p in targets.PRIORITIES},
    }


@bp.get("/admin/care")
@auth.login_required
def products():
    require(auth.current(), Permission.PRODUCT_CARE_MANAGE)
    rows = [(product, targets.current_settings(product)) for product, _count in queries.products(include_archived=True)]
    return render_template("care/products.html", rows=rows, policies=EscalationPolicy,
                           priority_label=CasePriority.label_of)


@bp.route("/admin/products/<slug>/care", methods=["GET", "POST"])
@auth.login_required
def product(slug: str):
    me = auth.current()
    require(me, Permission.PRODUCT_CARE_MANAGE)
    product = queries.get_product(slug)
    errors: dict[str, str] = {}
    values = targets.current_settings(product)
    if request.method == "POST":
        _check_form()
        submitted = _settings_from_form()
        try:
            with unit_of_work():
                targets.save(product, submitted, actor=me)
        except ValidationFailed as exc:
            errors = exc.fields
            values = {**submitted, "holidays": request.form.get("holidays", "").split()}
        else:
            flash(_("Response targets for %(product)s are saved.", product=product.name), "success")
            return redirect(url_for("care.product", slug=slug))
    return _product_page(product, values=values, errors=errors)


def _product_page(product, *, values: dict | None = None, errors: dict | None = None,
                  agent_error: str | None = None):
    errors = errors or {}
    return render_template("care/product.html", product=product,
                           values=values or targets.current_settings(product), errors=errors,
                           zones=time_zones(), days=sorted(get_day_names("wide", locale=get_locale()).items()),
                           policies=EscalationPolicy, priorities=targets.PRIORITIES,
                           priority_label=CasePriority.label_of,
                           agents=routing.product_agents(product.id),
                           agent_error=agent_error, form=ActionForm()), 422 if errors or agent_error else 200


def _check_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired; please go back and try again.")


@bp.post("/admin/products/<slug>/agents")
@auth.login_required
def add_agent(slug: str):
    me = auth.current()
    require(me, Permission.PRODUCT_CARE_MANAGE)
    product = queries.get_product(slug)
    _check_form()
    try:
        with unit_of_work():
            routing.add_agent(product, request.form.get("username", ""), actor=me)
    except ValidationFailed as exc:
        return _product_page(product, agent_error=" ".join(exc.fields.values()) or exc.message)
    flash(_("The agent now takes this product's new cases."), "success")
    return redirect(url_for("care.product", slug=slug, _anchor="agents"))


@bp.post("/admin/products/<slug>/agents/<int:user_id>/remove")
@auth.login_required
def remove_agent(slug: str, user_id: int):
    me = auth.current()
    require(me, Permission.PRODUCT_CARE_MANAGE)
    product = queries.get_product(slug)
    _check_form()
    with unit_of_work():
        routing.remove_agent(product, user_id, actor=me)
    flash(_("The agent no longer takes this product's new cases; their open cases stay theirs."), "success")
    return redirect(url_for("care.product", slug=slug, _anchor="agents"))


@bp.get("/questions/for-you")
@auth.login_required
def for_you():
    """Waiting questions offered to me, and the opt-in for them."""
    me = auth.current()
    rows = offers.offers_for(me.id)
    questions = [question for _offer, question in rows]
    return render_template("care/for_you.html", rows=rows, opted_in=offers.is_opted_in(me.id),
                           waiting=care_status.waiting_markers(questions), form=ActionForm())


@bp.post("/questions/for-you/opt-in")
@auth.login_required
def for_you_opt_in():
    me = auth.current()
    _check_form()
    wanted = request.form.get("wanted") == "on"
    with unit_of_work():
        offers.set_opt_in(me, wanted)
    flash("You'll be offered waiting questions you may know about (at most 3 a day)." if wanted else
          "You won't be offered questions any more.", "success")
    return redirect(url_for("care.for_you"))
