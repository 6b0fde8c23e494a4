"""The footer's language menu: one POST that sets the reader's interface language and goes back."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from forum import auth, i18n
from forum.extensions import csrf
from forum.models import Language
from forum.services import accounts
from forum.transaction import unit_of_work
from forum.views.accounts import safe_next

bp = Blueprint("language", __name__)


def _same_origin() -> bool:
    """A visitor's form carries no CSRF token (it would tie every cached public page to one session):
    the browser's own Sec-Fetch-Site, or else Origin/Referer, must say the post came from this site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer")
    return bool(source) and urlsplit(source).netloc == request.host


def _check_csrf(member) -> None:
    if member is not None:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as exc:
            raise CSRFError(exc.args[0]) from exc
    elif not _same_origin():
        raise CSRFError(_("The language form must be sent from this site."))


@bp.post("/language")
@csrf.exempt
def choose():
    """Remember the chosen language: in the member's settings when signed in, in the `lang` cookie always."""
    member = auth.current()
    if current_app.config["WTF_CSRF_ENABLED"]:
        _check_csrf(member)
    language = Language.of(request.form.get("lang"))
    if language is None or language.value != request.form.get("lang"):
        abort(400)
    if member is not None:
        with unit_of_work():
            accounts.set_locale(member, language.value)
    response = redirect(safe_next(request.form.get("next")))
    i18n.set_language_cookie(response, language)
    return response
