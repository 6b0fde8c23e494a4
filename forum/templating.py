"""Jinja globals and filters: the permission predicate, stored-HTML marking, dates, the URLs of things."""

import re

from flask import g, get_flashed_messages, has_request_context, request, url_for

from forum.fragments import byline
from forum.markup import stored
from forum.policy import PageDecisions, confirmation_notice
from forum.services import settings
from forum.times import ago, element
from forum.urls import TEMPLATE_GLOBALS, slugify, template_url_for


def page_url(page: int, link_args: dict | None = None) -> str:
    """A link to another page of this list, keeping its filters (only `link_args` when given)."""
    source = request.args if link_args is None else link_args
    # url_for reads "endpoint" and "_scheme"-style keys itself: a visitor's query string must not reach them.
    args = {key: value for key, value in source.items() if not key.startswith("_") and key != "endpoint"}
    args["page"] = page
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})


THEME_COOKIE = "theme"


def theme_choice() -> str | None:
    """The signed-in member's theme for this browser ("light"/"dark"); None follows the device.

    Only members' pages honour it: visitors' pages may be shared from the page cache.
    """
    from forum import auth

    choice = request.cookies.get(THEME_COOKIE)
    return choice if choice in ("light", "dark") and auth.current() is not None else None


FLASH_KINDS = ("success", "info", "error", "warning", "privilege")


def _flashes() -> list[tuple[str, str, str]]:
    """(kind, target, message) for this request's flashed messages; see `views.common.flash_at`."""
    result = []
    for category, message in get_flashed_messages(with_categories=True):
        kind, _, target = category.partition("@")
        result.append((kind if kind in FLASH_KINDS else "info", target, message))
    return result


def page_flashes() -> list[tuple[str, str]]:
    """Messages for the top of the page: those not aimed at a control."""
    return [(kind, message) for kind, target, message in _flashes() if not target]


def flashes_for(target: str) -> list[tuple[str, str]]:
    """Messages aimed at the control with this id, shown beside it."""
    return [(kind, message) for kind, aimed, message in _flashes() if aimed == target]


def refused_at(target: str) -> bool:
    """Whether a refusal (not a success) was flashed at the control with this id: its form reopens."""
    return any(kind != "success" for kind, _ in flashes_for(target))


OPEN_FORM = re.compile(r"(?:flag|comment)-(?:question|answer|comment)-[0-9]{1,10}")


def open_form() -> str | None:
    """The per-post form a thread page was asked to show open (?open=flag-answer-12), if well formed.

    Thread pages carry a link per post instead of a form per post; following it shows that one.
    """
    wanted = request.args.get("open", "")
    return wanted if OPEN_FORM.fullmatch(wanted) else None


def _decisions() -> PageDecisions:
    if not has_request_context():
        return PageDecisions()
    if "page_decisions" not in g:
        g.page_decisions = PageDecisions()
    return g.page_decisions


# What templates ask the permission function: through this request's PageDecisions, so a page
# decides each (viewer, permission, post) once however many controls depend on it.
def can(user, perm, obj=None) -> bool:
    return _decisions().can(user, perm, obj)


def refusal(user, perm, obj=None) -> str | None:
    return _decisions().refusal(user, perm, obj)


def needs_reputation(user, perm, obj=None) -> bool:
    return _decisions().needs_reputation(user, perm, obj)


def offered(user, perm, obj=None) -> bool:
    return _decisions().offered(user, perm, obj)


def registration_open() -> bool:
    """Whether the header offers "Register" (an admin may close sign-up)."""
    return settings.registration_options().open


def init_app(app) -> None:
    app.jinja_env.globals.update(can=can, confirmation_notice=confirmation_notice, page_url=page_url,
                                 offered=offered, needs_reputation=needs_reputation, refusal=refusal,
                                 page_flashes=page_flashes, flashes_for=flashes_for, refused_at=refused_at,
                                 theme_choice=theme_choice, site_identity=settings.site_identity,
                                 registration_open=registration_open)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, time_element=element, url_for=template_url_for, byline=byline)
    app.jinja_env.filters.update(stored=stored, ago=ago, slugify=slugify)
