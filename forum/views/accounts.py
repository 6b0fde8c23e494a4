"""Register, sign in, sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forum import auth, security
from forum.forms import ActionForm, LoginForm, RegisterForm, apply_errors
from forum.services import accounts
from forum.services.errors import ValidationFailed
from forum.views import twofactor

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirects)."""
    if not target:
        return url_for("questions.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("questions.index")
    return target


@bp.route("/register", methods=["GET", "POST"])
def register():
    if auth.current():
        return redirect(url_for("questions.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.username.data, form.email.data, form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            auth.sign_in(user)
            flash(f"Welcome to the community, {user.username}!", "success")
            return redirect(url_for("questions.index"))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        wait = security.login_delay(form.login.data)
        if wait:
            form.form_errors.append(f"Too many failed sign-ins. Please wait {wait} seconds and try again.")
            return render_template("accounts/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            security.note_login_failure(form.login.data)
            form.form_errors.append("That username/email and password don't match.")
        else:
            security.clear_login_failures(form.login.data)
            if user.totp_enabled_at is not None:
                return twofactor.start(user, remember=form.remember.data,
                                       next_url=safe_next(request.args.get("next")))
            auth.sign_in(user, remember=form.remember.data)
            flash(f"Signed in as {user.username}.", "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        auth.sign_out()
        flash("You are signed out.", "info")
    return redirect(url_for("questions.index"))
