"""Email preferences (/settings/notifications) and following products, tags and questions."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from forum import auth
from forum.forms import apply_errors
from forum.models import NotificationKind
from forum.parse import parse_id
from forum.services import preferences, queries
from forum.services.care import offers
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from forum.urls import product_url, question_number_url, tag_url
from forum.views.accounts import safe_next
from forum.views.common import act

bp = Blueprint("preferences", __name__)

DIGEST_CHOICES = [SelectChoice("off", "No digest"), SelectChoice("daily", "Daily, at 07:00 my time"),
                  SelectChoice("weekly", "Weekly, on Monday at 07:00 my time")]


class PreferencesForm(FlaskForm):
    digest = RadioField(_l("Digest of what I follow"), choices=DIGEST_CHOICES, validators=[Optional()])
    time_zone = SelectField(_l("My time zone"))


@bp.app_template_global()
def is_following(kind: str, target_id: int) -> bool:
    """Whether the signed-in member follows a product, tag or question (one query per page)."""
    user = auth.current()
    if user is None:
        return False
    if "followed_keys" not in g:
        g.followed_keys = preferences.followed_keys(user.id)
    return (kind, target_id) in g.followed_keys


def _form(choices: preferences.Choices | None = None, formdata=None) -> PreferencesForm:
    form = PreferencesForm(formdata=formdata) if formdata is not None else PreferencesForm(
        formdata=None, digest=choices.digest, time_zone=choices.time_zone)
    form.time_zone.choices = [SelectChoice(name, optgroup=name.split("/", 1)[0] if "/" in name else "Other")
                              for name in preferences.time_zones()]
    return form


@bp.route("/settings/notifications", methods=["GET", "POST"])
@auth.login_required
def page():
    user = auth.current()
    choices = preferences.choices(user.id)
    email_kinds, quiet = set(choices.email_kinds), set(choices.quiet_product_ids)
    for_you = offers.is_opted_in(user.id)
    if request.method == "POST":
        form = _form(formdata=request.form)
        email_kinds = set(request.form.getlist("email_kind"))
        quiet = set(request.form.getlist("quiet_product", type=int))
        for_you = request.form.get("questions_for_you") == "on"
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    preferences.update_choices(user, digest=form.digest.data or "off",
                                               time_zone=form.time_zone.data or "UTC", email_kinds=email_kinds,
                                               quiet_products=quiet)
                    offers.set_opt_in(user, for_you)
            except ValidationFailed as exc:
                apply_errors(form, exc.fields)
            else:
                flash(_("Your email preferences are saved."), "success")
                return redirect(url_for("preferences.page"))
    else:
        form = _form(choices)
    status = 422 if form.errors else 200
    return render_template("preferences/notifications.html", form=form, kinds=list(NotificationKind),
                           email_kinds=email_kinds, quiet_products=quiet, for_you=for_you,
                           following=preferences.following(user.id, viewer=user),
                           products=[p for p, _count in queries.products()]), status


def _target_page(kind: str, ref: str) -> str:
    if kind == "product":
        return product_url(ref)
    if kind == "tag":
        return tag_url(ref)
    if kind == "question" and parse_id(ref) is not None:
        return question_number_url(parse_id(ref))
    return url_for("preferences.page")


def _follow_action(follow: bool):
    kind, ref = request.form.get("kind", ""), (request.form.get("ref") or "").strip()
    if kind not in preferences.TARGETS or not ref:
        flash(_("Choose a product, tag or question to follow."), "error")
        return redirect(url_for("preferences.page"))
    back = safe_next(request.form.get("next")) if request.form.get("next") else _target_page(kind, ref)
    user = auth.current()
    action = preferences.follow if follow else preferences.unfollow
    message = (f"You follow this {kind} now: it appears in your digest." if follow
               else f"You no longer follow this {kind}.")
    return act(lambda: action(user, kind, ref), done=back, back=back, message=message)


@bp.post("/follow")
@auth.login_required
def follow():
    return _follow_action(True)


@bp.post("/unfollow")
@auth.login_required
def unfollow():
    return _follow_action(False)
