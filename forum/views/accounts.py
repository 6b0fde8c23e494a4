"""Register, sign in, sign out; confirm the email address; reset a forgotten password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from forum import auth, security, sso
from forum.forms import ActionForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm, apply_errors
from forum.services import account_email, accounts, settings
from forum.services import sso as sso_accounts
from forum.services.errors import ValidationFailed
from forum.transaction import transactional, unit_of_work
from forum.views import twofactor

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only same-site relative paths are followed (no open redirects); anything else goes to `default`.

    Browsers drop tabs and line breaks from a Location and read a backslash as a slash, so
    `/<tab>/evil.example` would leave the site: any control character or backslash is refused.
    """
    fallback = default or url_for("questions.index")
    if not target or any(ch < " " or ch == "\x7f" for ch in target):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. "http://[::1/bad": not a URL at all
        return fallback
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def _sign_in_choices() -> dict:
    """What the sign-in and sign-up pages offer besides their own form: the providers' buttons."""
    return {"providers": sso.providers(), "sso_only": sso_accounts.sso_only(), "provider_form": ActionForm()}


@bp.route("/register", methods=["GET", "POST"])
def register():
    if auth.current():
        return redirect(url_for("questions.index"))
    if not settings.registration_options().open:
        return render_template("accounts/register_closed.html"), 403 if request.method == "POST" else 200
    form = RegisterForm()
    if sso_accounts.sso_only():
        status = 403 if request.method == "POST" else 200
        return render_template("accounts/register.html", form=form, **_sign_in_choices()), status
    wait = 0
    if form.validate_on_submit():
        wait = security.form_limit_wait()
        if wait:
            form.form_errors.append(_("Several accounts were just created from your network: you can sign up again "
                                      "in %(wait_text)s.",
                                      wait_text=security.wait_text(wait)))
        else:
            try:
                with unit_of_work():
                    accounts.sign_up(form.username.data, form.email.data, form.password.data,
                                     next_path=safe_next(request.args.get("next")))
            except ValidationFailed as exc:
                apply_errors(form, exc.fields)
            else:
                # The same page whether or not the address has an account: the mailbox learns which.
                return render_template("accounts/check_inbox.html", email=accounts.clean_email(form.email.data),
                                       hours=account_email.confirmation_hours())
    return render_template("accounts/register.html", form=form, **_sign_in_choices()), (
        429 if wait else 422 if form.errors else 200), {"Retry-After": str(wait)} if wait else {}


@bp.route("/login", methods=["GET", "POST"])
@transactional
def login():
    form = LoginForm()
    if form.validate_on_submit():
        wait = security.login_delay(form.login.data)
        if wait:
            form.form_errors.append(ngettext("Too many failed sign-ins. Please wait %(num)d second and try again.",
                                             "Too many failed sign-ins. Please wait %(num)d seconds and try again.",
                                             wait))
            page = render_template("accounts/login.html", form=form, show_password=True, **_sign_in_choices())
            return page, 429, {"Retry-After": str(wait)}
        user = accounts.authenticate(form.login.data, form.password.data)
        refused = sso_accounts.password_sign_in_refusal(user) if user is not None else None
        if user is None:
            security.note_login_failure(form.login.data)
            form.form_errors.append("That username/email and password don't match.")
        elif refused:
            form.form_errors.append(refused)
        else:
            security.clear_login_failures(form.login.data)
            if user.totp_enabled_at is not None:
                return twofactor.start(user, remember=form.remember.data,
                                       next_url=safe_next(request.args.get("next")))
            auth.sign_in(user, remember=form.remember.data)
            flash(_("Signed in as %(username)s.", username=user.username), "success")
            return redirect(safe_next(request.args.get("next")))
    choices = _sign_in_choices()
    # With "single sign-on only", the password form is the staff's way in: shown on request.
    show_password = not choices["sso_only"] or request.args.get("staff") == "1" or request.method == "POST"
    return render_template("accounts/login.html", form=form, show_password=show_password, **choices), (
        422 if form.errors else 200)


@bp.post("/logout")
@transactional
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        auth.sign_out()
        if sso.logout_offer() is not None:
            return redirect(url_for("sso.signed_out_here"))
        flash(_("You are signed out."), "info")
    return redirect(url_for("questions.index"))


# Pages reached from an emailed link: the token in the URL must not travel on as a Referer or sit in a cache.
LINK_PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _link_problem(exc: account_email.LinkNotValid, title: str):
    return render_template("accounts/link_problem.html", title=title, message=exc.message), exc.status, (
        LINK_PAGE_HEADERS)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Opening the link shows a button; only the POST confirms (mail scanners prefetch links)."""
    form = ActionForm()
    try:
        if form.validate_on_submit():
            with unit_of_work():
                account_email.confirm_email(token)
            flash(_("Thanks, your email address is confirmed."), "success")
            return redirect(url_for("questions.index") if auth.current() else url_for("auth.login"))
        pending = account_email.check_confirmation(token)
    except account_email.LinkNotValid as exc:
        return _link_problem(exc, "This confirmation link doesn't work")
    return render_template("accounts/confirm_email.html", pending=pending, token=token), 200, LINK_PAGE_HEADERS


@bp.route("/register/finish/<token>", methods=["GET", "POST"])
def finish_sign_up(token: str):
    """Opening the emailed link shows a button; only the POST creates the account (mail scanners prefetch)."""
    form = ActionForm()
    try:
        if form.validate_on_submit():
            next_path = account_email.check_sign_up(token).next_path
            with unit_of_work():
                user = account_email.finish_sign_up(token)
                auth.sign_in(user)
            flash(_("Welcome to the community, %(username)s!", username=user.username), "success")
            return redirect(safe_next(next_path))
        pending = account_email.check_sign_up(token)
    except account_email.LinkNotValid as exc:
        return _link_problem(exc, "This sign-up link doesn't work")
    return render_template("accounts/finish_sign_up.html", pending=pending, token=token), 200, LINK_PAGE_HEADERS


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """The same answer whether or not an account uses the address: nothing here reveals who is a member."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                account_email.request_password_reset(form.email.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            return render_template("accounts/forgot_password.html", form=form, sent=True,
                                   hours=account_email.reset_hours())
    return render_template("accounts/forgot_password.html", form=form, sent=False), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        user = account_email.user_for_reset(token)
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    account_email.reset_password(token, form.password.data)
            except ValidationFailed as exc:
                apply_errors(form, exc.fields)
            else:
                auth.sign_out()
                flash(_("Your password is changed and every session and API token is signed out. "
                        "Sign in with your new password."), "success")
                return redirect(url_for("auth.login"))
    except account_email.LinkNotValid as exc:
        return _link_problem(exc, "This password reset link doesn't work")
    return render_template("accounts/reset_password.html", form=form, user=user, token=token), (
        422 if form.errors else 200), LINK_PAGE_HEADERS
