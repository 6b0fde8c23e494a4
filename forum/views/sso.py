"""Single sign-on pages: to the provider and back, choosing a username, confirming a link, logout.

Every way a sign-in can fail ends on the sign-in page with the reason (forum.sso logs it).
"""

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from forum import auth, security, sso
from forum.forms import ActionForm, apply_errors
from forum.policy import Permission, require
from forum.services import accounts, profile_fields
from forum.services import sso as sso_accounts
from forum.services.account_email import LinkNotValid
from forum.services.errors import ServiceError, ValidationFailed
from forum.transaction import unit_of_work
from forum.views import twofactor
from forum.views.accounts import LINK_PAGE_HEADERS, safe_next

bp = Blueprint("sso", __name__)

FLOW = "sso_flow"        # what the sign-in that is under way is for: sign in, link from settings, re-authenticate
PENDING = "sso_pending"  # a verified provider account waiting for a username or a link confirmation
PENDING_SECONDS = 15 * 60
INTENTS = ("sign_in", "link", "reauthenticate")


class UsernameForm(FlaskForm):
    username = StringField(_l("Username"), validators=[Length(max=60)])


class LinkForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[Length(max=200)])
    code = StringField(_l("6-digit code"), validators=[Length(max=12)])


def _provider(key: str) -> sso.Provider:
    provider = sso.get(key)
    if provider is None:
        abort(404, description="No such sign-in provider.")
    return provider


def _to_sign_in(message: str):
    flash(message, "error")
    return redirect(url_for("auth.login"))


@bp.post("/sso/<key>/start")
def start(key: str):
    provider = _provider(key)
    if not ActionForm().validate_on_submit():
        return _to_sign_in(_("The sign-in form expired. Please try again."))
    intent = request.form.get("intent", "sign_in")
    if intent not in INTENTS or (intent != "sign_in" and auth.current() is None):
        abort(400, description="Unknown sign-in purpose.")
    session[FLOW] = {"intent": intent, "next": safe_next(request.form.get("next")), "provider": key}
    try:
        return sso.begin(provider, prompt="login" if intent == "reauthenticate" else None)
    except sso.SignInFailed as exc:
        return _to_sign_in(exc.message)


def _complete_sign_in(user, account: sso.ProviderAccount, next_url: str, message: str):
    """Start the member's session (after their two-factor code, when they use one)."""
    if user.totp_enabled_at is not None:
        return twofactor.start(user, remember=False, next_url=next_url)
    auth.sign_in(user)
    sso.remember_sign_in(account, at=time.time())
    flash(message, "success")
    return redirect(next_url)


@bp.get("/sso/<key>/callback")
def callback(key: str):
    provider = _provider(key)
    flow = session.pop(FLOW, None) or {"intent": "sign_in", "next": url_for("questions.index")}
    if flow.get("provider", key) != key:
        flow = {"intent": "sign_in", "next": url_for("questions.index")}
    try:
        account = sso.finish(provider)
    except sso.SignInFailed as exc:
        return _to_sign_in(exc.message)
    snap = sso_accounts.snapshot(account.claims, field_claims=profile_fields.mapped_claims())
    me = auth.current()
    try:
        with unit_of_work():
            if flow["intent"] == "link" and me is not None:
                sso_accounts.link_signed_in(me, key, account.subject, snap)
                flash(_("Your %(provider)s account is linked: you can sign in with it.", provider=provider.label),
                      "success")
                return redirect(url_for("sso.identities"))
            if flow["intent"] == "reauthenticate" and me is not None:
                identity = sso_accounts.find_identity(key, account.subject)
                if identity is None or identity.user_id != me.id:
                    flash(_("That %(provider)s account isn't the one linked to you.", provider=provider.label), "error")
                    return redirect(flow["next"])
                sso.remember_sign_in(account, at=time.time())
                flash(_("Thanks, that's confirmed."), "success")
                return redirect(flow["next"])
            outcome = sso_accounts.resolve(key, account.subject, snap, label=provider.label)
    except ServiceError as exc:
        return _to_sign_in(exc.message)
    if isinstance(outcome, sso_accounts.SignedIn):
        greeting = (_("Welcome to the community, %(name)s!", name=outcome.user.username) if outcome.created
                    else _("Signed in as %(name)s.", name=outcome.user.username))
        return _complete_sign_in(outcome.user, account, flow["next"], greeting)
    hint = account.id_token if len(account.id_token) <= current_app.config["SSO_ID_TOKEN_HINT_MAX"] else ""
    session[PENDING] = {"provider": key, "subject": account.subject, "snap": snap, "next": flow["next"],
                        "id_token": hint, "expires": time.time() + PENDING_SECONDS}
    if isinstance(outcome, sso_accounts.ChooseUsername):
        session[PENDING].update(suggestion=outcome.suggestion, reason=outcome.reason)
        return redirect(url_for("sso.choose_username"))
    session[PENDING]["user_id"] = outcome.user.id
    return redirect(url_for("sso.confirm_with_password"))


def _pending(needs_user: bool):
    pending = session.get(PENDING)
    if not pending or pending.get("expires", 0) < time.time() or sso.get(pending.get("provider", "")) is None:
        session.pop(PENDING, None)
        return None, None
    if needs_user != ("user_id" in pending):
        return None, None
    user = accounts.get_user(pending["user_id"]) if needs_user else None
    return pending, user


def _account(pending: dict) -> sso.ProviderAccount:
    return sso.ProviderAccount(pending["provider"], pending["subject"], {}, pending.get("id_token") or "")


@bp.route("/sso/username", methods=["GET", "POST"])
def choose_username():
    pending, _flow = _pending(needs_user=False)
    if pending is None:
        return _to_sign_in(_("Your sign-in has expired. Please sign in again."))
    provider = sso.get(pending["provider"])
    form = UsernameForm(data={"username": pending["suggestion"]} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = sso_accounts.create_member(pending["provider"], pending["subject"], pending["snap"],
                                                  form.username.data or "", label=provider.label)
        except ValidationFailed as exc:
            apply_errors(form, exc.fields or {"username": exc.message})
        except ServiceError as exc:
            session.pop(PENDING, None)
            return _to_sign_in(exc.message)
        else:
            return _complete_sign_in(user, _account(pending), pending["next"],
                                     _("Welcome to the community, %(name)s!", name=user.username))
    return render_template("sso/username.html", form=form, provider=provider, reason=pending["reason"],
                           email=pending["snap"]["email"]), 422 if form.errors else 200


@bp.route("/sso/link", methods=["GET", "POST"])
def confirm_with_password():
    pending, user = _pending(needs_user=True)
    if pending is None:
        return _to_sign_in(_("Your sign-in has expired. Please sign in again."))
    provider = sso.get(pending["provider"])
    form = LinkForm()
    status = 200
    if form.validate_on_submit():
        wait = security.login_delay(user.username)
        if wait:
            form.form_errors.append(ngettext("Too many failed attempts. Please wait %(num)d second and try again.",
                                             "Too many failed attempts. Please wait %(num)d seconds and try again.",
                                             wait))
            status = 429
        else:
            try:
                with unit_of_work():
                    sso_accounts.link_with_password(user, pending["provider"], pending["subject"], pending["snap"],
                                                    password=form.password.data or "", code=form.code.data or "")
            except ValidationFailed as exc:
                security.note_login_failure(user.username)
                apply_errors(form, exc.fields or {"password": exc.message})
            except ServiceError as exc:
                session.pop(PENDING, None)
                return _to_sign_in(exc.message)
            else:
                security.clear_login_failures(user.username)
                auth.sign_in(user)
                sso.remember_sign_in(_account(pending), at=time.time())
                flash(_("Your %(provider)s account is linked. Next time, just sign in with it.",
                        provider=provider.label), "success")
                return redirect(pending["next"])
    if form.errors and status == 200:
        status = 422
    return render_template("sso/link.html", form=form, provider=provider, user=user,
                           email_form=ActionForm(), hours=sso_accounts.link_hours()), status


@bp.post("/sso/link/email")
def send_link_email():
    pending, user = _pending(needs_user=True)
    if pending is None:
        return _to_sign_in(_("Your sign-in has expired. Please sign in again."))
    if not ActionForm().validate_on_submit():
        abort(400)
    provider = sso.get(pending["provider"])
    with unit_of_work():
        sso_accounts.request_link_email(user, pending["provider"], pending["subject"], label=provider.label)
    return render_template("sso/link_sent.html", provider=provider, email=user.email,
                           hours=sso_accounts.link_hours())


@bp.route("/sso/link/confirm/<token>", methods=["GET", "POST"])
def confirm_link(token: str):
    """Opening the emailed link shows a button; only the POST links (mail scanners prefetch links)."""
    form = ActionForm()
    try:
        pending_link = sso_accounts.check_link_token(token)
        if form.validate_on_submit():
            pending = session.get(PENDING) or {}
            same = pending.get("subject") == pending_link.subject and pending.get("provider") == pending_link.provider
            with unit_of_work():
                user = sso_accounts.confirm_link_token(token, pending.get("snap") if same else None)
            provider = sso.get(pending_link.provider)
            label = provider.label if provider else pending_link.provider
            account = sso.ProviderAccount(pending_link.provider, pending_link.subject, {},
                                          pending.get("id_token", "") if same else "")
            return _complete_sign_in(user, account, pending.get("next") or url_for("questions.index"),
                                     _("Your %(provider)s account is linked. Next time, just sign in with it.",
                                       provider=label))
    except LinkNotValid as exc:
        return render_template("accounts/link_problem.html", title=_("This link doesn't work"),
                               message=exc.message), exc.status, LINK_PAGE_HEADERS
    provider = sso.get(pending_link.provider)
    return render_template("sso/confirm_link.html", pending=pending_link, token=token,
                           label=provider.label if provider else pending_link.provider), 200, LINK_PAGE_HEADERS


# --- signing out at the provider ----------------------------------------------------------------

@bp.get("/signed-out")
def signed_out_here():
    remembered = session.get(sso.SESSION_KEY)
    provider = sso.get(remembered.get("provider", "")) if remembered else None
    if provider is None or auth.current() is not None:
        return redirect(url_for("questions.index"))
    return render_template("sso/signed_out.html", provider=provider, form=ActionForm())


@bp.post("/sso/<key>/logout")
def provider_logout(key: str):
    provider = _provider(key)
    remembered = session.pop(sso.SESSION_KEY, None) or {}
    if not ActionForm().validate_on_submit() or remembered.get("provider") != key:
        return redirect(url_for("questions.index"))
    try:
        return sso.logout_redirect(provider, remembered.get("id_token"))
    except Exception as exc:  # a provider that vanished meanwhile: we are signed out here anyway
        current_app.logger.warning("single sign-on logout unavailable",
                                   extra={"provider": key, "detail": f"{type(exc).__name__}: {exc}"[:500]})
        flash(_("We couldn't reach %(provider)s; you are signed out here.", provider=provider.label), "info")
        return redirect(url_for("questions.index"))


@bp.get("/sso/<key>/signed-out")
def provider_signed_out(key: str):
    provider = _provider(key)
    if sso.finish_logout(provider):
        flash(_("You are signed out here and at %(provider)s.", provider=provider.label), "info")
    return redirect(url_for("questions.index"))


# --- settings: linked accounts ------------------------------------------------------------------

class UnlinkForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[Length(max=200)])


@bp.get("/settings/sign-in")
@auth.login_required
def identities(unlink_form=None, status: int = 200):
    user = auth.current()
    linked = sso_accounts.identities(user.id)
    linked_keys = {i.provider for i in linked}
    return render_template("sso/identities.html", user=user, linked=linked,
                           labels={p.key: p.label for p in sso.providers()},
                           linkable=[p for p in sso.providers() if p.key not in linked_keys],
                           unlink_form=unlink_form or UnlinkForm(formdata=None), action_form=ActionForm(),
                           can_unlink=user.has_password), status


@bp.post("/settings/sign-in/<int:identity_id>/unlink")
@auth.login_required
def unlink(identity_id: int):
    form = UnlinkForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                sso_accounts.unlink(auth.current(), identity_id, password=form.password.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields or {"password": exc.message})
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(url_for("sso.identities"))
        else:
            flash(_("The account is unlinked."), "success")
            return redirect(url_for("sso.identities"))
    return identities(unlink_form=form, status=422)


def recently_authenticated() -> bool:
    """Whether the member signed in through a provider in the last few minutes (for deletion)."""
    remembered = session.get(sso.SESSION_KEY) or {}
    return time.time() - remembered.get("at", 0) <= current_app.config["SSO_REAUTHENTICATION_SECONDS"]


# --- admin: providers, "single sign-on only", claims mapping ------------------------------------

@bp.route("/admin/sso", methods=["GET", "POST"])
@auth.login_required
def admin_settings():
    me = auth.current()
    require(me, Permission.ADMIN_SETTINGS)
    errors: dict[str, str] = {}
    mapping, only = sso_accounts.claim_mapping(), sso_accounts.sso_only()
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        mapping = {name: request.form.get(name, "") for name in sso_accounts.DEFAULT_MAPPING}
        only = request.form.get("sso_only") == "on"
        try:
            with unit_of_work():
                sso_accounts.set_claim_mapping(mapping, actor=me)
                sso_accounts.set_sso_only(only, actor=me, providers_configured=bool(sso.providers()))
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            flash(_("Single sign-on settings saved."), "success")
            return redirect(url_for("sso.admin_settings"))
    rows = [{"provider": p, "callback": sso.callback_url(p.key), "signed_out": sso.signed_out_url(p.key)}
            for p in sso.providers()]
    return render_template("sso/admin.html", rows=rows, mapping=mapping, labels=sso_accounts.MAPPING_LABELS,
                           sso_only=only, errors=errors, form=ActionForm()), 422 if errors else 200
