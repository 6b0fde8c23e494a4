"""Pieces of a page that read the same for everyone who reads them in one language and zone.

A thread repeats a byline under every post: who wrote it (picture, name, reputation, badges)
and when. Rendering one costs a macro and a dozen calls, and the result depends only on those
facts, so it is kept here (a bounded, least-recently-used store per process) and reused by every
page and reader that shows the same facts.

The key is the facts themselves, which makes it the one place a byline is invalidated: a rename,
a reputation change, a new badge, a deleted account's new name, another language, zone or script
root, or "3 hours ago" turning into "4 hours ago" gives another key, and the old entry ages out.
No write has to remember to forget anything. The post body needs no keeping: it is stored
rendered (`body_html`, written by forum/markup.py when the post is saved or edited).
"""

import threading
from collections import OrderedDict

from flask import current_app, has_request_context, request
from markupsafe import Markup

from forum import times

MAX_ENTRIES = 4096
_lock = threading.Lock()
_kept: "OrderedDict[tuple, Markup]" = OrderedDict()


def byline(post, verb: str, badge_counts: dict | None) -> Markup:
    """The byline of a question (`verb` "asked") or an answer ("answered"), from the store or
    rendered by `_macros/byline.html`. `badge_counts` maps author ids to {tier: count}."""
    author = post.author
    medals = (badge_counts or {}).get(post.author_id) or {}
    language, zone = times.reader()
    key = (verb, request.script_root if has_request_context() else "", language, zone, author.id, author.username,
           author.reputation, tuple(sorted(medals.items())), post.created_at, times.ago(post.created_at))
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    # An autoescaped template's macro returns Markup.
    macro = current_app.jinja_env.get_template("_macros/byline.html").module.byline
    html = macro(author, post.created_at, verb, medals)
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return html


def clear() -> None:
    """Forget every kept piece (tests that change a template's output by configuration)."""
    with _lock:
        _kept.clear()
