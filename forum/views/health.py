"""Liveness and readiness for load balancers and orchestrators.

`/healthz/live` answers 200 while the process serves requests. `/healthz/ready` runs every
check in CHECKS and answers 200 when all pass, else 503, with each check's result:
{"status": "ok"|"unavailable", "checks": {"database": {"status": "ok"}, "broker": {...}, ...}}.
A check returns "ok" or "skipped" (not configured here) or raises: its error type is reported,
never connection strings or secrets. Checks use short timeouts so a probe never hangs.
"""

from collections.abc import Callable

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from forum.extensions import db

bp = Blueprint("health", __name__)

OK, SKIPPED = "ok", "skipped"
BROKER_TIMEOUT_SECONDS = 2.0


def check_database() -> str:
    db.session.execute(text("SELECT 1"))
    return OK


def check_broker() -> str:
    """Connect to the Celery broker when one is configured (eager mode has none)."""
    celery_app = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager:
        return SKIPPED
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0,
                                     timeout=BROKER_TIMEOUT_SECONDS)
    return OK


def check_search() -> str:
    """Open the search index when search is installed (app.extensions["search"]).

    The backend's `ping()` is used when it has one (cheap by contract); otherwise `count()`.
    """
    backend = current_app.extensions.get("search")
    if backend is None:
        return SKIPPED
    probe = getattr(backend, "ping", None) or backend.count
    probe()
    return OK


CHECKS: dict[str, Callable[[], str]] = {"database": check_database, "broker": check_broker, "search": check_search}


def run_checks() -> tuple[bool, dict[str, dict[str, str]]]:
    results: dict[str, dict[str, str]] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": check()}
        except Exception as exc:
            healthy = False
            results[name] = {"status": "failed", "error": type(exc).__name__}
            current_app.logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc,
                                       extra={"check": name})
            if name == "database":
                db.session.rollback()
    return healthy, results


@bp.get("/healthz/live")
def live():
    return jsonify(status="ok")


@bp.get("/healthz")
@bp.get("/healthz/ready")
def ready():
    healthy, results = run_checks()
    return jsonify(status="ok" if healthy else "unavailable", checks=results), 200 if healthy else 503
