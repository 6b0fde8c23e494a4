"""Small helpers the web blueprints share."""

from flask import current_app, flash, redirect, request, url_for
from werkzeug.exceptions import BadRequest

from forum.services.errors import ServiceError
from forum.services.queries import check_paging
from forum.templating import slugify
from forum.transaction import unit_of_work


def thread_url(question, anchor: str | None = None) -> str:
    url = url_for("questions.show", question_id=question.id, slug=slugify(question.title))
    return f"{url}#{anchor}" if anchor else url


def page_arg() -> int:
    """?page=N for web lists; nonsense gives a 400 page, not a 500."""
    try:
        page, _ = check_paging(request.args.get("page", 1), 1, maximum=1)
    except ServiceError as exc:
        raise BadRequest(exc.message) from exc
    return page


def per_page() -> int:
    return current_app.config["QUESTIONS_PER_PAGE"]


def act(action, *, done: str, back: str, message: str | None = None):
    """Run a POST action as one unit of work; flash its outcome and redirect (success to `done`, refusal to `back`).

    A refusal rolls back whatever the action had written before it was refused.
    """
    try:
        with unit_of_work():
            action()
    except ServiceError as exc:
        flash(exc.message if not exc.fields else " ".join(exc.fields.values()), "error")
        return redirect(back)
    if message:
        flash(message, "success")
    return redirect(done)
