"""A short-lived per-process cache of whole pages for anonymous readers (microcaching).

Most readers of a public Q&A site are anonymous and see exactly the same page. When
ANONYMOUS_PAGE_CACHE_SECONDS > 0, a decorated GET view's 200 response for a reader with no
signed-in user, no API token and no pending flash message is kept that long, keyed by host, path,
query string and asked-for language, and served to the next such readers. Signed-in members always get a fresh
page, so nobody waits to see their own change. A response is never stored when rendering it
touched the session (a CSRF token, a flash), asked for a CSP nonce or set a cookie: those
are per reader. This process's own writes (any domain event) empty the cache at once; other
processes' writes show up within the TTL. The security headers are added afresh on every
response, hits included (they run after the view).
"""

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, g, request, session
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from forum import auth, i18n
from forum.services import events

_lock = threading.Lock()
_pages: "OrderedDict[str, tuple[float, int, bytes, list[tuple[str, str]]]]" = OrderedDict()
_size = 0


def _reader_is_anonymous() -> bool:
    return (request.method == "GET" and "Authorization" not in request.headers
            and "_flashes" not in session and auth.current() is None)


def _lookup(key: str) -> Response | None:
    with _lock:
        entry = _pages.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            _drop(key)
            return None
        _pages.move_to_end(key)
    _, status, body, headers = entry
    # A feed reader's If-None-Match / If-Modified-Since still gets its 304 from a cached copy.
    return Response(body, status=status, headers=Headers(headers)).make_conditional(request.environ)


def _drop(key: str) -> None:
    global _size
    entry = _pages.pop(key, None)
    if entry is not None:
        _size -= len(entry[2])


def _store(key: str, response: Response, seconds: int) -> None:
    global _size
    if (response.status_code != 200 or response.is_streamed or session.modified or "csp_nonce" in g
            or "Set-Cookie" in response.headers):
        return
    body = response.get_data()
    budget = current_app.config["ANONYMOUS_PAGE_CACHE_BYTES"]
    if len(body) > budget // 8:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    with _lock:
        _drop(key)
        _pages[key] = (time.monotonic() + seconds, response.status_code, body, headers)
        _size += len(body)
        while _size > budget and _pages:
            _drop(next(iter(_pages)))


def clear() -> None:
    """Forget every cached page (this process only)."""
    global _size
    with _lock:
        _pages.clear()
        _size = 0


def _forget_pages(_event: events.Event, **_ids: int | None) -> None:
    clear()


def _key() -> str:
    # Scheme and host too: a page with absolute links must not be served to another host; and the
    # language the visitor asks for (cookie or browser), so a French reader never gets the German page.
    language = i18n.visitor_choice()
    return f"{request.scheme}://{request.host}{request.full_path}|{language.value if language else ''}"


def serve_cached() -> Response | None:
    """before_request: answer a cacheable page from the cache before the other hooks run.

    Registered first (init_app), so a hit skips the rate-limit and two-factor hooks, which
    have nothing to do for an anonymous GET of a public page; the after_request hooks
    (security headers, request log) still run.
    """
    if current_app.config.get("ANONYMOUS_PAGE_CACHE_SECONDS", 0) <= 0:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    cached_view = getattr(view, "anonymous_page_cache", None)
    if cached_view is None or not _reader_is_anonymous():
        return None
    hit = _lookup(_key())
    if hit is not None and cached_view["on_hit"] is not None:
        cached_view["on_hit"](**(request.view_args or {}))
    return hit


def init_app(app) -> None:
    """Serve hits early; call before other before_request hooks are registered. Any change forgets the pages."""
    app.before_request(serve_cached)
    events.subscribe(*events.Event)(_forget_pages)


def for_anonymous(on_hit: Callable[..., None] | None = None):
    """Decorate a GET view whose page is the same for every anonymous reader.

    `on_hit(**view_args)` runs when a cached page is served (e.g. to count a view).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            seconds = current_app.config.get("ANONYMOUS_PAGE_CACHE_SECONDS", 0)
            if seconds <= 0 or not _reader_is_anonymous():
                return view(*args, **kwargs)
            key = _key()
            hit = _lookup(key)  # normally served by serve_cached already; this covers apps without it
            if hit is not None:
                if on_hit is not None:
                    on_hit(*args, **kwargs)
                return hit
            response = current_app.make_response(view(*args, **kwargs))
            _store(key, response, seconds)
            return response

        wrapper.anonymous_page_cache = {"on_hit": on_hit}
        return wrapper

    return decorator
