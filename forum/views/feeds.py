"""Feeds in RSS 2.0 and Atom, conditional GET, and the <link rel="alternate"> tags pages advertise."""

import re
from collections.abc import Callable

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.http import is_resource_modified

from forum import i18n, pagecache
from forum.services import feeds
from forum.urls import absolute, request_address, site_root

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

FORMAT_NAMES = {"rss": _l("RSS"), "atom": _l("Atom")}
FEED_PATH = re.compile(r"^/feeds/[A-Za-z0-9_.%+-]+(?:/[A-Za-z0-9_.%+-]+)?\.(?:rss|atom)$")


def _respond(name: str, arg: str | None, fmt: str) -> Response:
    feed = feeds.load(name, arg, link=absolute, limit=current_app.config["FEED_ITEMS"])
    etag, last_modified = feeds.validators(feed, fmt)
    headers = {"Cache-Control": "public, max-age=300", "Vary": "Accept-Encoding"}
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304, headers=headers)
    else:
        body = feeds.render(feed, fmt, self_url=request_address(), root_url=site_root(),
                            language=i18n.current_language().value)
        response = Response(body, headers=headers, content_type=feeds.FORMATS[fmt])
    response.set_etag(etag)
    response.last_modified = last_modified
    return response


@bp.get("/about")
def about():
    """What a feed is and how to subscribe, instead of raw XML in a browser tab."""
    from flask import abort, render_template

    target = request.args.get("feed", "")
    if not FEED_PATH.match(target) or ".." in target:
        abort(404, description="There is no such feed.")
    fmt = "RSS" if target.endswith(".rss") else "Atom"
    return render_template("feeds/about.html", feed_url=site_root() + target.lstrip("/"), feed_path=target,
                           fmt=fmt)


@bp.get("/<name>.<any(rss, atom):fmt>")
@pagecache.for_anonymous()
def show(name: str, fmt: str):
    return _respond(name, None, fmt)


@bp.get("/<name>/<arg>.<any(rss, atom):fmt>")
@pagecache.for_anonymous()
def show_for(name: str, arg: str, fmt: str):
    return _respond(name, arg, fmt)


# --- autodiscovery: which feeds a page advertises in its <head> ----------------------------------

Advertiser = Callable[[dict, dict], list[tuple[str, str, str | None]]]
_advertised: dict[str, Advertiser] = {}


def advertise(*endpoints: str) -> Callable[[Advertiser], Advertiser]:
    """Register fn(view_args, query_args) -> [(title, feed name, arg)] for pages of `endpoints`."""

    def register(fn: Advertiser) -> Advertiser:
        for endpoint in endpoints:
            _advertised[endpoint] = fn
        return fn

    return register


@advertise("questions.index", "questions.listing")
def _question_lists(_view_args: dict, args: dict) -> list[tuple[str, str, str | None]]:
    found = [(_("Latest questions"), "questions", None)]
    if args.get("sort") == "unanswered":
        found.insert(0, (_("Unanswered questions"), "unanswered", None))
    return found


@advertise("browse.product")
def _product(view_args: dict, _args: dict) -> list[tuple[str, str, str | None]]:
    return [(_("Questions about this product"), "products", view_args["slug"])]


@advertise("browse.tag")
def _tag(view_args: dict, _args: dict) -> list[tuple[str, str, str | None]]:
    return [(_("Questions tagged %(tag)s", tag=view_args["name"]), "tags", view_args["name"])]


@advertise("questions.show")
def _thread(view_args: dict, _args: dict) -> list[tuple[str, str, str | None]]:
    return [(_("Answers to this question"), "questions", str(view_args["question_id"]))]


@advertise("knowledge.index", "knowledge.show")
def _articles(_view_args: dict, args: dict) -> list[tuple[str, str, str | None]]:
    found = [(_("Knowledge articles"), "articles", None)]
    if args.get("product"):
        found.insert(0, (_("Knowledge articles about this product"), "articles", str(args["product"])))
    return found


@bp.app_template_global()
def feed_links() -> list[dict[str, str]]:
    """The feeds the current page offers, in both formats (for <link rel="alternate"> tags)."""
    advertiser = _advertised.get(request.endpoint or "")
    if advertiser is None:
        return []
    links = []
    for title, name, arg in advertiser(request.view_args or {}, request.args):
        for fmt, label in FORMAT_NAMES.items():
            href = (url_for("feeds.show", name=name, fmt=fmt) if arg is None
                    else url_for("feeds.show_for", name=name, arg=arg, fmt=fmt))
            links.append({"title": _("%(feed)s (%(format)s)", feed=title, format=label), "href": href,
                          "type": feeds.FORMATS[fmt].split(";")[0], "format": label})
    return links
