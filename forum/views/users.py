"""Member profiles, the member list and account settings."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh

from forum import auth, i18n
from forum.avatars import identicon_svg
from forum.forms import ActionForm, EmailForm, PasswordForm, ProfileForm, TokenForm, apply_errors
from forum.models import Language
from forum.services import account_email, accounts, badges, queries, reputation, tokens
from forum.services.errors import ValidationFailed
from forum.templating import THEME_COOKIE, theme_choice
from forum.transaction import transactional, unit_of_work
from forum.views.common import act, flash_at, page_arg
from reputation.badges import BY_KEY
from reputation.rules import LABELS

bp = Blueprint("users", __name__)

PROFILE_TABS = ("questions", "answers", "reputation")


@bp.get("/users")
def index():
    return render_template("users/index.html", page=queries.users(page=page_arg()))


AVATAR_MAX_AGE = 7 * 86_400  # an identicon depends on the id alone, so it never goes stale


@bp.get("/users/<int:user_id>/avatar.svg")
def avatar(user_id: int):
    """The member's identicon: drawn from the id, so it costs no database query."""
    response = make_response(identicon_svg(user_id))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = f"public, max-age={AVATAR_MAX_AGE}"
    return response


@bp.get("/users/<int:user_id>")
@bp.get("/users/<int:user_id>/<slug>")
def profile(user_id: int, slug: str | None = None):
    user = accounts.get_user(user_id)
    tab = request.args.get("tab", "questions")
    if tab not in PROFILE_TABS:
        tab = "questions"
    page = page_arg()
    days = None
    if tab == "questions":
        listing = queries.list_questions("newest", author_id=user.id, page=page, per_page=20)
    elif tab == "answers":
        listing = queries.user_answers(user.id, page=page)
    else:
        listing = reputation.history(user.id, page=page, per_page=50, viewer=auth.current())
        days = reputation.group_by_day(listing.items)
    return render_template("users/profile.html", user=user, tab=tab, page=listing, days=days,
                           counts=queries.user_counts(user.id), awards=badges.awards_of(user.id),
                           badge_specs=BY_KEY, labels=LABELS)


def _token_form(form: TokenForm) -> TokenForm:
    form.scope.choices = [(s.value, s.label) for s in tokens.scopes_for(auth.current())]
    return form


def _settings_page(**forms):
    user = auth.current()
    context = {
        "email_form": EmailForm(formdata=None, email=user.email),
        "password_form": PasswordForm(formdata=None),
        "profile_form": ProfileForm(formdata=None, about=user.about, display_name=user.display_name),
        "token_form": _token_form(TokenForm(formdata=None)),
        "action_form": ActionForm(),
        "tokens": tokens.active_tokens(user),
        "new_token": None,
        "themes": THEMES,
        "theme": theme_choice(),
        "user_locale": getattr(Language.of(user.locale), "value", ""),
    }
    context.update(forms)
    status = 422 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return render_template("users/settings.html", user=user, **context), status


@bp.get("/settings")
@auth.login_required
def settings():
    return _settings_page()


THEMES = {"system": _l("Follow my device"), "light": _l("Light"), "dark": _l("Dark")}


@bp.post("/settings/theme")
@auth.login_required
def change_theme():
    choice = request.form.get("theme", "")
    if not ActionForm().validate_on_submit() or choice not in THEMES:
        flash(_("Please pick one of the themes."), "error")
        return redirect(url_for("users.settings", _anchor="settings-appearance"))
    response = redirect(url_for("users.settings", _anchor="settings-appearance"))
    if choice == "system":
        response.delete_cookie(THEME_COOKIE)
    else:
        response.set_cookie(THEME_COOKIE, choice, max_age=365 * 86400, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    flash_at(_("Theme saved: %(theme)s.", theme=str(THEMES[choice]).lower()), "success", "settings-appearance-status")
    return response


@bp.post("/settings/language")
@auth.login_required
def change_language():
    """Save the member's language; "" follows the browser again (and forgets this browser's menu choice)."""
    back = redirect(url_for("users.settings", _anchor="settings-language"))
    if not ActionForm().validate_on_submit():
        return back
    try:
        with unit_of_work():
            accounts.set_locale(auth.current(), request.form.get("locale", ""))
    except ValidationFailed as exc:
        flash_at(exc.message, "error", "settings-language-status")
        return back
    if not auth.current().locale:
        back.delete_cookie(i18n.LANG_COOKIE)
    refresh()  # the confirmation is in the language just chosen
    flash_at(_("Language saved."), "success", "settings-language-status")
    return back


@bp.post("/settings/email")
@auth.login_required
def change_email():
    form = EmailForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                accounts.change_email(auth.current(), form.email.data, form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your email is changed."), "success")
            return redirect(url_for("users.settings"))
    return _settings_page(email_form=form)


@bp.post("/settings/email/confirmation")
@auth.login_required
def resend_confirmation():
    user = auth.current()
    url = url_for("users.settings", _anchor="settings-email")
    return act(lambda: account_email.resend_confirmation(user), done=url, back=url,
               message=_("We sent a new confirmation link to %(email)s. It works for %(hours)s.", email=user.email,
                         hours=account_email.confirmation_hours()))


@bp.post("/settings/password")
@auth.login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = auth.current()
        try:
            with unit_of_work():
                accounts.change_password(user, form.current_password.data, form.new_password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            auth.sign_in(user)
            flash(_("Your password is changed; other sessions are signed out."), "success")
            return redirect(url_for("users.settings"))
    return _settings_page(password_form=form)


@bp.post("/settings/profile")
@auth.login_required
def change_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                accounts.update_profile(auth.current(), form.about.data or "", form.display_name.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("users.settings"))
    return _settings_page(profile_form=form)


@bp.post("/settings/tokens")
@auth.login_required
def create_token():
    form = _token_form(TokenForm())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                token = tokens.create_token(auth.current(), form.name.data, form.scope.data or "read-write")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your token is created. Copy it now: it won't be shown again."), "success")
            return _settings_page(new_token=token)
    return _settings_page(token_form=form)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@auth.login_required
@transactional
def revoke_token(token_id: int):
    if ActionForm().validate_on_submit():
        tokens.revoke_token(auth.current(), token_id)
        flash(_("The token is revoked."), "success")
    return redirect(url_for("users.settings"))
