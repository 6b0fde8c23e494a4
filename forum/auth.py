"""The only module that talks to Flask-Login: session loading, API tokens, sign in/out."""

from functools import wraps

from flask import session
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user

from forum.services import accounts
from forum.transaction import unit_of_work

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


class Anonymous(AnonymousUserMixin):
    id = None
    role = None
    reputation = 0
    username = "visitor"


login_manager.anonymous_user = Anonymous


@login_manager.user_loader
def _load_user(session_id: str):
    return accounts.user_for_session(session_id)


def init_app(app) -> None:
    login_manager.init_app(app)


def sign_in(user, *, remember: bool = False) -> None:
    """Start a fresh session: nothing from before sign-in survives (no session fixation).

    The sign-in is recorded on the server (with the request's unit of work, or one of its own)
    so that signing out can end it; a session already open in this browser ends first.
    """
    previous = session.get("_user_id")
    session.clear()
    with unit_of_work():
        if previous:
            accounts.end_session(previous)
        accounts.start_session(user)
    login_user(user, remember=remember, fresh=True)


def sign_out() -> None:
    """End this sign-in on the server too, so a copy of the cookie (or the remember-me cookie) stops working."""
    previous = session.get("_user_id")
    logout_user()
    if previous:
        with unit_of_work():
            accounts.end_session(previous)


def current():
    """The signed-in member, or None for visitors."""
    user = current_user._get_current_object()
    return user if user.is_authenticated else None


def login_required(view):
    """Send visitors to the sign-in page (web) before running `view`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


__all__ = ["current", "current_user", "init_app", "login_required", "sign_in", "sign_out"]
