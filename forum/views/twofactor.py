"""Two-factor sign-in: the code step after the password, and the member's setup page."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import Length

from forum import auth, security
from forum.forms import ActionForm, apply_errors
from forum.policy import roles
from forum.services import accounts, twofactor
from forum.services import settings as site_settings
from forum.services.errors import ValidationFailed
from forum.transaction import transactional, unit_of_work

bp = Blueprint("twofactor", __name__)

PENDING_LOGIN = "two_factor_pending"
ALWAYS_ALLOWED = ("twofactor.", "auth.logout", "static", "health.")


class CodeForm(FlaskForm):
    code = StringField("6-digit code", validators=[Length(max=12)])


class DisableForm(FlaskForm):
    password = PasswordField("Your password", validators=[Length(max=200)])
    code = StringField("6-digit code", validators=[Length(max=12)])
    remember = BooleanField("unused")


def start(user, *, remember: bool, next_url: str):
    """Called by sign-in when the password was right and the account has two-factor on."""
    session.clear()
    session[PENDING_LOGIN] = {"id": accounts.password_identity(user), "remember": remember, "next": next_url}
    return redirect(url_for("twofactor.challenge"))


@bp.route("/login/two-factor", methods=["GET", "POST"])
def challenge():
    pending = session.get(PENDING_LOGIN)
    user = accounts.user_for_password_identity(pending["id"]) if pending else None
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        key = f"two-factor:{user.id}"
        wait = security.login_delay(key)
        if wait:
            form.form_errors.append(ngettext("Too many wrong codes. Please wait %(num)d second.",
                                             "Too many wrong codes. Please wait %(num)d seconds.", wait))
            return render_template("accounts/two_factor.html", form=form), 429, {"Retry-After": str(wait)}
        try:
            with unit_of_work():
                twofactor.verify(user, form.code.data)
        except ValidationFailed as exc:
            security.note_login_failure(key)
            apply_errors(form, exc.fields)
        else:
            security.clear_login_failures(key)
            auth.sign_in(user, remember=pending["remember"])
            flash(_("Signed in as %(username)s.", username=user.username), "success")
            return redirect(pending["next"])
    return render_template("accounts/two_factor.html", form=form), 422 if form.errors else 200


@bp.get("/settings/two-factor")
@auth.login_required
def settings():
    user = auth.current()
    secret = user.totp_secret if user.totp_enabled_at is None else None
    uri = twofactor.provisioning_uri(user, secret, site_settings.site_identity().name) if secret else None
    return render_template("users/two_factor.html", user=user, secret=secret, uri=uri, code_form=CodeForm(),
                           disable_form=DisableForm(), action_form=ActionForm(),
                           staff_must=roles.is_staff(user))


@bp.post("/settings/two-factor/setup")
@auth.login_required
@transactional
def setup():
    if ActionForm().validate_on_submit():
        twofactor.begin_setup(auth.current())
    return redirect(url_for("twofactor.settings"))


@bp.post("/settings/two-factor/enable")
@auth.login_required
def enable():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                twofactor.enable(auth.current(), form.code.data)
        except ValidationFailed as exc:
            flash(" ".join(exc.fields.values()), "error")
        else:
            auth.sign_in(auth.current())  # this session goes on; every other one has ended
            flash(_("Two-factor sign-in is on. You'll be asked for a code each time you sign in."), "success")
    return redirect(url_for("twofactor.settings"))


@bp.post("/settings/two-factor/disable")
@auth.login_required
def disable():
    form = DisableForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                twofactor.disable(auth.current(), form.password.data, form.code.data)
        except ValidationFailed as exc:
            flash(" ".join(exc.fields.values()) or exc.message, "error")
        else:
            auth.sign_in(auth.current())
            flash(_("Two-factor sign-in is off."), "info")
    return redirect(url_for("twofactor.settings"))


def enforce_for_staff():
    """Staff without two-factor sign-in may only set it up (when the site requires it)."""
    user = auth.current()
    if user is None or not twofactor.required_for(user, staff_must=current_app.config["REQUIRE_STAFF_2FA"]):
        return None
    if request.endpoint and request.endpoint.startswith(ALWAYS_ALLOWED):
        return None
    flash(_("Your role needs two-factor sign-in. Please set it up to continue."), "info")
    return redirect(url_for("twofactor.settings"))
