"""Product response targets (admins): business hours, first-response target, automatic
escalation and update cadence, and the agents who take each product's cases."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forum import auth
from forum.forms import ActionForm
from forum.models import EscalationPolicy
from forum.policy import Permission, require
from forum.services import queries
from forum.services.care import targets
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
    rows = [(product, targets.current_settings(product)) for product, _count in queries.products()]
    return render_template("care/products.html", rows=rows, policies=EscalationPolicy)


@bp.route("/admin/products/<slug>/care", methods=["GET", "POST"])
@auth.login_required
def product(slug: str):
    me = auth.current()
    require(me, Permission.PRODUCT_CARE_MANAGE)
    product = queries.get_product(slug)
    errors: dict[str, str] = {}
    values = targets.current_settings(product)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400, description="The form expired; please go back and try again.")
        submitted = _settings_from_form()
        try:
            with unit_of_work():
                targets.save(product, submitted, actor=me)
        except ValidationFailed as exc:
            errors = exc.fields
            values = {**submitted, "holidays": request.form.get("holidays", "").split()}
        else:
            flash(f"Response targets for {product.name} are saved.", "success")
            return redirect(url_for("care.product", slug=slug))
    return render_template("care/product.html", product=product, values=values, errors=errors,
                           zones=time_zones(), days=list(enumerate(targets.DAY_LABELS)), policies=EscalationPolicy,
                           priorities=targets.PRIORITIES, form=ActionForm()), 422 if errors else 200
