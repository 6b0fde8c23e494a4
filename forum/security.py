"""Web hardening in one place: security headers and CSP nonces, proxy handling, secret-key
check, and the rate limits (Flask-Limiter) applied to the endpoints that attackers hammer.

The limits are a table here, applied to the registered view functions by endpoint name, so
the views stay free of limiter decorators and every limit can be read in one screen.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from reputation.privileges import Privilege

DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - the known development key that production refuses

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


class InsecureConfiguration(RuntimeError):
    """Production refuses to start with settings that would make it unsafe."""


def csp_nonce() -> str:
    """The per-request nonce a template puts on the (rare) script it needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, form_targets: tuple[str, ...] = ()) -> str:
    """The policy; `form_targets` are other origins a form may lead to (single sign-on providers)."""
    form_action = " ".join(("'self'", *form_targets))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        f"form-action {form_action}",
        "frame-ancestors 'none'",
    ])


def _security_headers(response):
    from forum import sso

    response.headers.setdefault("Content-Security-Policy",
                                content_security_policy(csp_nonce(), sso.form_action_origins()))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


# --- who is asking: the keys limits are counted under -------------------------------------

def _bearer_digest() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return hashlib.sha256(header.removeprefix("Bearer ").strip().encode()).hexdigest()[:32]
    return None


def requester():
    """The member behind this request (session or API token), or None; cached for the request."""
    if "rate_limit_user" not in g:
        from forum import auth
        from forum.services import tokens

        user = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            from forum.transaction import unit_of_work

            with unit_of_work():  # notes the token's use
                user = tokens.user_for_token(header.removeprefix("Bearer ").strip())
        else:
            user = auth.current()
        g.rate_limit_user = user
    return g.rate_limit_user


def member_key() -> str:
    user = requester()
    return f"member:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def token_key() -> str:
    return f"token:{_bearer_digest() or get_remote_address()}"


def login_key() -> str:
    """Count sign-in attempts per submitted name too, so one account can't be tried from many IPs.

    The key is the same whether or not the account exists, so limits reveal nothing.
    """
    from forum.services.accounts import username_key

    login = (request.form.get("login") or "").strip()[:254]
    return "login:" + hashlib.sha256(username_key(login).encode()).hexdigest()[:32]


def reset_address_key() -> str:
    """Count reset requests per submitted address too (no mail-bombing one inbox), account or not."""
    address = (request.form.get("email") or "").strip().lower()[:254]
    return "reset:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def is_staff() -> bool:
    from forum.policy import roles

    return roles.is_staff(requester())


def no_token() -> bool:
    return _bearer_digest() is None


def not_post() -> bool:
    return request.method != "POST"


# The limits grow with the privileges: the thresholds are the ones in force (admin overrides,
# "new community" mode), read through the policy like every other privilege decision.

def _holds(privilege: Privilege) -> bool:
    from forum.policy import holds_privilege

    return holds_privilege(requester(), privilege)


def question_limit() -> str:
    from moderation.spam import is_new_member

    user = requester()
    new = user is None or is_new_member(user)
    return current_app.config["RATELIMIT_NEW_MEMBER_QUESTIONS"] if new else "30/hour"


def vote_limit() -> str:
    return "40/day" if _holds(Privilege.VOTE_DOWN) else "30/day"


def flag_limit() -> str:
    return "100/day" if _holds(Privilege.REVIEW_QUEUE) else "10/day"


@dataclass(frozen=True)
class Rule:
    endpoints: tuple[str, ...]
    limit: str | Callable[[], str]
    key: Callable[[], str]
    scope: str | None = None
    exempt_when: Callable[[], bool] | None = None
    # Only what got through counts: a form sent back with an error, or an action refused,
    # must not use up a new member's allowance.
    successes_only: bool = False


def _exempt_staff_or_read() -> bool:
    return not_post() or is_staff()


def refused() -> None:
    """Mark this request's action as refused: its redirect back must not count against a limit."""
    g.action_refused = True


def _exempt_staff_or_not_edit() -> bool:
    return request.method not in ("POST", "PATCH") or is_staff()


RULES: tuple[Rule, ...] = (
    Rule(("auth.login",), "10/minute", get_remote_address, "login-ip", not_post),
    Rule(("auth.login",), "10/minute", login_key, "login-account", not_post),
    Rule(("auth.register",), "5/hour", get_remote_address, "register", not_post, successes_only=True),
    Rule(("auth.forgot_password",), "5/hour", get_remote_address, "reset-ip", not_post),
    Rule(("auth.forgot_password",), "3/hour", reset_address_key, "reset-address", not_post),
    Rule(("users.resend_confirmation",), "3/hour", member_key, "confirmation-resend"),
    Rule(("questions.ask", "api.ask"), question_limit, member_key, "ask", _exempt_staff_or_read,
         successes_only=True),
    Rule(("questions.ask", "api.ask", "answers.create", "api.post_answer", "questions.comment", "answers.comment",
          "api.comment_question", "api.comment_answer"), "5/30 seconds", member_key, "posting", _exempt_staff_or_read,
         successes_only=True),
    # Every edit renders markdown again, so edits (web, API and suggested) are limited like posting.
    Rule(("questions.edit", "answers.edit", "api.edit_question", "api.edit_answer", "suggestions.suggest_question_edit",
          "suggestions.suggest_answer_edit"), "5/30 seconds", member_key, "editing", _exempt_staff_or_not_edit),
    Rule(("questions.vote", "answers.vote", "api.vote_question", "api.vote_answer"), vote_limit, member_key,
         "votes", _exempt_staff_or_read, successes_only=True),
)
FLAG_ENDPOINT_SUFFIXES = ("flag", "flag_question", "flag_answer", "flag_comment")
FLAG_RULE = Rule((), flag_limit, member_key, "flags", _exempt_staff_or_read, successes_only=True)

# Web forms that check their limits themselves (`form_limit_wait`): when a limit is reached they
# show the form again with the text kept and say when to try again, instead of a bare 429 page.
# They share their counters with the API's endpoints of the same rule.
SELF_CHECKING_FORMS = frozenset({"questions.ask", "answers.create", "auth.register"})


def _never(_response) -> bool:
    return False


def _apply_rules(app: Flask) -> None:
    """Decorate each limited view. Flask-Limiter only tests "successes only" limits (they are
    counted after the response by `_count_successes`) and leaves self-checking forms alone."""
    flags = tuple(e for e in app.view_functions if e.rsplit(".", 1)[-1] in FLAG_ENDPOINT_SUFFIXES)
    for rule in (*RULES, FLAG_RULE):
        shared = limiter.shared_limit(rule.limit, scope=rule.scope, key_func=rule.key, exempt_when=rule.exempt_when,
                                      deduct_when=_never if rule.successes_only else None)
        for endpoint in rule.endpoints or flags:
            if endpoint in app.view_functions and endpoint not in SELF_CHECKING_FORMS:
                app.view_functions[endpoint] = shared(app.view_functions[endpoint])
    if "api" in app.blueprints:
        per_token = limiter.limit(app.config["RATELIMIT_API_TOKEN"], key_func=token_key, exempt_when=no_token)
        per_token(app.blueprints["api"])


def _limits_here(*, successes_only: bool = False):
    """(limit item, key, scope) for each rule on this request's endpoint that applies to it now."""
    from limits import parse_many

    if not (limiter.enabled and current_app.config["RATELIMIT_ENABLED"]) or request.endpoint is None:
        return
    is_flag = request.endpoint.rsplit(".", 1)[-1] in FLAG_ENDPOINT_SUFFIXES
    for rule in (*RULES, FLAG_RULE):
        applies = request.endpoint in rule.endpoints or (rule is FLAG_RULE and is_flag)
        if not applies or (successes_only and not rule.successes_only):
            continue
        if rule.exempt_when is not None and rule.exempt_when():
            continue
        text = rule.limit() if callable(rule.limit) else rule.limit
        for item in parse_many(text):
            yield item, rule.key(), rule.scope


def form_limit_wait() -> int:
    """Seconds until this form may be sent again (0: it may be now); nothing is counted here."""
    wait = 0
    for item, key, scope in _limits_here():
        if not limiter.limiter.test(item, key, scope):
            reset_at, _ = limiter.limiter.get_window_stats(item, key, scope)
            wait = max(wait, int(reset_at - time.time()) + 1)
    return wait


def _count_successes(response):
    """Count a request that did what was asked against its "successes only" limits."""
    if response.status_code < 400 and not g.get("action_refused"):
        for item, key, scope in _limits_here(successes_only=True):
            limiter.limiter.hit(item, key, scope)
    return response


def wait_text(seconds: int) -> str:
    """“4 minutes”, “1 minute”, “30 seconds”: how long until a limit lets the member in again."""
    if seconds >= 90:
        minutes = -(-seconds // 60)
        return f"{minutes} minutes"
    if seconds >= 60:
        return "1 minute"
    return f"{max(seconds, 1)} second{'s' if seconds != 1 else ''}"


def check_configuration(app: Flask) -> None:
    """Fail fast on settings that are fine on a laptop but unsafe in production."""
    if app.config["ENVIRONMENT"] != "production":
        return
    if app.config["SECRET_KEY"] in (None, "", DEV_SECRET) or len(app.config["SECRET_KEY"]) < 32:
        raise InsecureConfiguration("Set SECRET_KEY to a random value of at least 32 characters "
                                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))').")
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


def init_app(app: Flask) -> None:
    """Wire headers, proxy handling and limits; call after the blueprints are registered."""
    check_configuration(app)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    limiter.init_app(app)
    _apply_rules(app)
    app.after_request(_count_successes)


# --- sign-in: a growing delay after repeated failures ---------------------------------------

FAILURE_WINDOW = 15 * 60
FIRST_DELAY = 30
MAX_DELAY = 15 * 60


def _failure_keys(login: str) -> tuple[str, str]:
    from forum.services.accounts import username_key

    digest = hashlib.sha256(username_key((login or "").strip()[:254]).encode()).hexdigest()[:32]
    return f"login-failures/{digest}", f"login-last-failure/{digest}"


def login_delay(login: str) -> int:
    """Seconds this login must still wait: 0 until LOGIN_FAILURES_BEFORE_DELAY failures, then 30 s doubling.

    Counted per submitted name whether or not such an account exists.
    """
    if not current_app.config["RATELIMIT_ENABLED"]:
        return 0
    count_key, last_key = _failure_keys(login)
    failures = limiter.storage.get(count_key)
    allowed = current_app.config["LOGIN_FAILURES_BEFORE_DELAY"]
    if failures < allowed:
        return 0
    delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - allowed))
    return max(0, limiter.storage.get(last_key) + delay - int(time.time()))


def note_login_failure(login: str) -> None:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    count_key, last_key = _failure_keys(login)
    limiter.storage.incr(count_key, FAILURE_WINDOW)
    limiter.storage.clear(last_key)
    limiter.storage.incr(last_key, FAILURE_WINDOW, amount=int(time.time()))


def clear_login_failures(login: str) -> None:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    for key in _failure_keys(login):
        limiter.storage.clear(key)
