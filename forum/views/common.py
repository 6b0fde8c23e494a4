"""Small helpers the web blueprints share."""

from datetime import timedelta
from urllib.parse import urldefrag

from flask import current_app, flash, redirect, request, session
from werkzeug.exceptions import BadRequest

from forum import security
from forum.models import utcnow
from forum.services.errors import NeedsReputation, ServiceError
from forum.services.queries import check_paging
from forum.transaction import unit_of_work


def page_arg() -> int:
    """?page=N for web lists; nonsense gives a 400 page, not a 500."""
    try:
        page, _ = check_paging(request.args.get("page", 1), 1, maximum=1)
    except ServiceError as exc:
        raise BadRequest(exc.message) from exc
    return page


def per_page() -> int:
    return current_app.config["QUESTIONS_PER_PAGE"]


def flash_at(message: str, kind: str, target: str | None = None) -> None:
    """Flash a message; with `target` (an element id) the page shows it beside that control."""
    flash(message, f"{kind}@{target}" if target else kind)


def at(url: str, target: str | None) -> str:
    """`url` leading to the element `target` (its own fragment replaced), so the browser scrolls there."""
    return f"{urldefrag(url).url}#{target}" if target else url


def act(action, *, done: str, back: str, message: str | None = None, here: str | None = None,
        error_here: str | None = None):
    """Run a POST action as one unit of work; flash its outcome and redirect (success to `done`, refusal to `back`).

    `here` is the id of the element the outcome is shown beside (and scrolled to) when the
    member comes back to the same page; `error_here` another one for a refusal (the form
    that was sent, say). A refusal rolls back whatever the action had written before it was
    refused; one for want of reputation links to how to earn it.
    """
    error_here = error_here or here
    try:
        with unit_of_work():
            action()
    except ServiceError as exc:
        security.refused()
        kind = "privilege" if isinstance(exc, NeedsReputation) else "error"
        flash_at(exc.message if not exc.fields else " ".join(exc.fields.values()), kind, error_here)
        return redirect(at(back, error_here))
    same_page = urldefrag(done).url == urldefrag(back).url
    if message:
        flash_at(message, "success", here if same_page else None)
    return redirect(at(done, here) if same_page else done)


SELF_SERVICE_KEY = "self_service_until"


def watch_self_service() -> None:
    """Remember (in the member's session) that their search may still self-serve for 24 hours,
    so thread and article pages look for it only then (no query for everyone else)."""
    session[SELF_SERVICE_KEY] = (utcnow() + timedelta(hours=24)).isoformat()


def self_service_watched() -> bool:
    until = session.get(SELF_SERVICE_KEY)
    if until and until < utcnow().isoformat():
        session.pop(SELF_SERVICE_KEY, None)
        return False
    return bool(until)
