"""JSON API v1 (README, "JSON API"): the same services as the web views, JSON in and out.

Token requests (`Authorization: Bearer …`) need no CSRF token; cookie-session writes do.
"""

from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _

from forum import auth
from forum.extensions import csrf
from forum.services import tokens, twofactor
from forum.services.errors import ServiceError
from forum.transaction import unit_of_work
from forum.views.errors import json_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


@bp.before_request
def authenticate():
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        with unit_of_work():  # noting when the token was last used is a write
            row = tokens.token_row(token.strip()) if scheme == "Bearer" else None
        if row is None:
            return json_error(401, "The API token is missing, malformed or revoked.")
        if twofactor.required_for(row.user, staff_must=current_app.config["REQUIRE_STAFF_2FA"]):
            return json_error(403, "Your role needs two-factor sign-in: turn it on under Settings → Two-factor "
                                   "sign-in, then create a new token.", code="two_factor_required")
        g.api_user, g.api_token = row.user, row
        return None
    g.api_user = auth.current()
    if g.api_user is not None and request.method not in SAFE_METHODS and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    return None


def actor():
    """The member behind this request, or a 401 error."""
    if g.get("api_user") is None:
        raise Unauthorized(_("This needs a signed-in member: send `Authorization: Bearer TOKEN`."))
    return g.api_user


def viewer():
    return g.get("api_user")


@bp.errorhandler(ServiceError)
def service_error(exc: ServiceError):
    return json_error(exc.status, exc.message, exc.fields, exc.code)


def init_app(app) -> None:
    """Add the API's routes to `bp` (each module defines its own) and register the blueprint.

    The modules import this package for `bp` and its helpers, so this package imports them only
    here, when the app is built, never at import time (no import cycle).
    """
    from forum.views.api import (  # noqa: F401  (each module adds its routes to bp)
        care,
        content,
        document,
        insights,
        moderation,
        notifications,
        people,
        profile_fields,
        search,
        support,
    )

    app.register_blueprint(bp)
