"""Customer profile fields: the admins' definitions per product and the member's saved values."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum import auth
from forum.forms import ActionForm
from forum.models import FieldKind
from forum.policy import Permission, require
from forum.services import profile_fields, queries
from forum.services.errors import ServiceError, ValidationFailed
from forum.transaction import unit_of_work
from forum.views.common import act

bp = Blueprint("profile_fields", __name__)


def input_name(field) -> str:
    """The form input of a field's answer (the ask form and the settings page)."""
    return f"pf-{field.id}"


def form_answer(field):
    return request.form.get(input_name(field))


def _definition_from_form() -> dict:
    form = request.form
    return {"label": form.get("label", ""), "kind": form.get("kind", ""), "choices": form.get("choices", ""),
            "required": form.get("required") == "on", "staff_only": form.get("visibility", "staff") == "staff",
            "help_text": form.get("help_text", ""), "claim": form.get("claim", "")}


def _check_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired; please go back and try again.")


@bp.get("/admin/fields")
@auth.login_required
def products():
    require(auth.current(), Permission.PROFILE_FIELDS_MANAGE)
    grouped = profile_fields.active_fields_by_product()
    return render_template("profile_fields/products.html", products=queries.products(include_archived=True), counts={
        product_id: len(fields) for product_id, fields in grouped.items()})


@bp.route("/admin/products/<slug>/fields", methods=["GET", "POST"])
@auth.login_required
def product_fields(slug: str):
    me = auth.current()
    require(me, Permission.PROFILE_FIELDS_MANAGE)
    product = queries.get_product(slug)
    errors: dict[str, str] = {}
    values = {"visibility": "staff"}
    if request.method == "POST":
        _check_form()
        try:
            with unit_of_work():
                field = profile_fields.define_field(product, _definition_from_form(), actor=me)
        except ValidationFailed as exc:
            errors = exc.fields or {"label": exc.message}
            values = request.form.to_dict()
        else:
            flash(_("“%(field)s” is added. Members asking about %(product)s will see it.", field=field.label,
                    product=product.name), "success")
            return redirect(url_for("profile_fields.product_fields", slug=slug))
    return render_template("profile_fields/product.html", product=product, errors=errors, values=values,
                           fields=profile_fields.fields_for(product.id, include_retired=True),
                           kinds=list(FieldKind), form=ActionForm()), 422 if errors else 200


@bp.route("/admin/fields/<int:field_id>/edit", methods=["GET", "POST"])
@auth.login_required
def edit(field_id: int):
    me = auth.current()
    require(me, Permission.PROFILE_FIELDS_MANAGE)
    field = profile_fields.get_field(field_id)
    errors: dict[str, str] = {}
    values = {"label": field.label, "choices": "\n".join(field.choices), "help_text": field.help_text,
              "claim": field.claim, "required": "on" if field.required else "",
              "visibility": "staff" if field.staff_only else "public"}
    if request.method == "POST":
        _check_form()
        data = _definition_from_form()
        data["kind"] = field.kind
        try:
            with unit_of_work():
                profile_fields.update_field(field.id, data, actor=me)
        except ValidationFailed as exc:
            errors = exc.fields or {"label": exc.message}
            values = request.form.to_dict()
        else:
            flash(_("The field is saved; answers already given are kept."), "success")
            return redirect(url_for("profile_fields.product_fields", slug=field.product.slug))
    return render_template("profile_fields/edit.html", field=field, errors=errors, values=values,
                           kinds=list(FieldKind), is_choice=field.kind == FieldKind.CHOICE,
                           form=ActionForm()), 422 if errors else 200


def _field_action(field_id: int, action, message: str):
    me = auth.current()
    require(me, Permission.PROFILE_FIELDS_MANAGE)
    field = profile_fields.get_field(field_id)
    _check_form()
    url = url_for("profile_fields.product_fields", slug=field.product.slug)

    def run():
        with unit_of_work():
            action(me)

    return act(run, done=url, back=url, message=message)


@bp.post("/admin/fields/<int:field_id>/move")
@auth.login_required
def move(field_id: int):
    require(auth.current(), Permission.PROFILE_FIELDS_MANAGE)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400, description="Move a field up or down.")
    return _field_action(field_id, lambda me: profile_fields.move_field(field_id, offset, actor=me), "Moved.")


@bp.post("/admin/fields/<int:field_id>/retire")
@auth.login_required
def retire(field_id: int):
    return _field_action(field_id, lambda me: profile_fields.set_retired(field_id, True, actor=me),
                         "The field is retired: no longer asked, and the answers given are kept.")


@bp.post("/admin/fields/<int:field_id>/restore")
@auth.login_required
def restore(field_id: int):
    return _field_action(field_id, lambda me: profile_fields.set_retired(field_id, False, actor=me),
                         "The field is asked again.")


# --- the member's saved values ------------------------------------------------------------------

@bp.route("/settings/customer-details", methods=["GET", "POST"])
@auth.login_required
def member_values():
    me = auth.current()
    errors: dict[str, str] = {}
    if request.method == "POST":
        _check_form()
        try:
            with unit_of_work():
                profile_fields.save_member_values(me, form_answer, input_name)
        except ServiceError as exc:
            errors = exc.fields or {"": exc.message}
        else:
            flash(_("Your details are saved. They'll be filled in when you ask."), "success")
            return redirect(url_for("profile_fields.member_values"))
    grouped = profile_fields.active_fields_by_product()
    saved = profile_fields.saved_values(me.id)
    values = ({f.id: request.form.get(input_name(f), "") for fields in grouped.values() for f in fields}
              if errors else saved)
    retired = [a for a in profile_fields.member_answers(me.id) if a.field.is_retired]
    return render_template("profile_fields/settings.html", groups=[(fields[0].product, fields) for fields in
                                                                    grouped.values()],
                           values=values, errors=errors, retired=retired, input_name=input_name,
                           form=ActionForm()), 422 if errors else 200
