"""Jinja globals and filters: the permission predicate, stored-HTML marking, dates, the URLs of things."""

from flask import request, url_for

from forum.markup import stored
from forum.policy import can, confirmation_notice
from forum.times import ago, formatted, machine
from forum.urls import TEMPLATE_GLOBALS, slugify


def page_url(page: int, link_args: dict | None = None) -> str:
    """A link to another page of this list, keeping its filters (only `link_args` when given)."""
    source = request.args if link_args is None else link_args
    # url_for reads "endpoint" and "_scheme"-style keys itself: a visitor's query string must not reach them.
    args = {key: value for key, value in source.items() if not key.startswith("_") and key != "endpoint"}
    args["page"] = page
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})


def init_app(app) -> None:
    app.jinja_env.globals.update(can=can, confirmation_notice=confirmation_notice, page_url=page_url)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, format_time=formatted, machine_time=machine)
    app.jinja_env.filters.update(stored=stored, ago=ago, slugify=slugify)
