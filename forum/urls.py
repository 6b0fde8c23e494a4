"""Where things live: the one place that knows the address of a thread, an answer, an article, a case…

Views, templates (as globals), feeds, digests, notification mail, search results and the API all
ask here, so changing a URL scheme (a slug rule, an anchor name) is one edit. Each function takes
the object (or, for row-based callers, its id and title) and an optional `link` that decides the
form of the address:

- `relative` (the default): a path for links and redirects inside a request;
- `absolute`: a full URL for feeds and the API: under SITE_URL whenever it is set, never on the
  request's Host header (a client chooses that header; a link built from it can point anywhere);
- `site_links()`: a full URL under SITE_URL without a request (mail sent by workers, digests).

`site_root()` and `site_address(path)` turn a path into a full URL by the same rule.

`relative` (and the templates' `url_for`) build through `path_for`, which remembers the shape of
each kind of address: a page of fifty posts builds a few hundred, and werkzeug's builder would
match the rule anew for every one.

A `link` is any `link(endpoint, anchor=None, **values) -> str`.
"""

import functools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, url_for
from werkzeug.routing import BuildError, ValidationError

Link = Callable[..., str]


@functools.lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """URL slug of a title or name; memoized, as a thread page asks for the same names many times."""
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:80] or "q"


def _with_anchor(url: str, anchor: str | None) -> str:
    return f"{url}#{anchor}" if anchor else url


# Values that URL quoting leaves as they are, in a path segment and in a query string alike.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.-]+")
_UNKNOWN = object()
# (script root, endpoint, parameter names, their kinds) -> the address's literal pieces with the
# parameters' positions between them, or None when that kind of address is left to url_for.
_shapes: dict[tuple, tuple[tuple[str, ...], tuple[int, ...]] | None] = {}


def path_for(endpoint: str, **values: object) -> str:
    """What `url_for(endpoint, **values)` returns in this request, from a remembered shape.

    The first address of each kind (endpoint, parameter names, int or plain-word values) is
    built by url_for with stand-ins for the values, cut at the stand-ins, and kept once it gives
    exactly what url_for gives for the real values; later ones are the pieces joined with the
    values. Anything else (url_for's own `_external`/`_anchor`… options, values that quoting
    would change, no request) goes to url_for itself.
    """
    if not has_request_context():
        return url_for(endpoint, **values)
    kinds = []
    for name, value in values.items():
        if name[:1] == "_":
            return url_for(endpoint, **values)
        if type(value) is int:
            kinds.append(int)
        elif type(value) is str and _UNQUOTED.fullmatch(value):
            kinds.append(str)
        else:
            return url_for(endpoint, **values)
    key = (request.script_root, endpoint, tuple(values), tuple(kinds))
    shape = _shapes.get(key, _UNKNOWN)
    if shape is _UNKNOWN:
        shape = _shapes[key] = _learn_shape(endpoint, values, kinds)
    if shape is None:
        return url_for(endpoint, **values)
    return _fill(shape, list(values.values()))


def _fill(shape: tuple[tuple[str, ...], tuple[int, ...]], values: list[object]) -> str:
    pieces, order = shape
    out = [pieces[0]]
    for piece, index in zip(pieces[1:], order, strict=True):
        out.append(str(values[index]))
        out.append(piece)
    return "".join(out)


def _learn_shape(endpoint: str, values: dict[str, object], kinds: list[type]):
    try:
        rules = list(current_app.url_map.iter_rules(endpoint))
    except KeyError:  # no such endpoint: url_for says so
        return None
    if any(rule.defaults for rule in rules):
        return None  # a value equal to a rule's default would pick another rule: no single shape
    stand_ins = [str(7_310_000_001 + i) if kind is int else f"zq{i}standin" for i, kind in enumerate(kinds)]
    try:
        built = url_for(endpoint, **{name: (int(s) if kind is int else s)
                                     for name, kind, s in zip(values, kinds, stand_ins, strict=True)})
    except (BuildError, ValidationError, ValueError):  # url_for says so again for the real values
        return None
    found = sorted((built.find(s), i) for i, s in enumerate(stand_ins))
    if any(at < 0 or built.count(stand_ins[i]) != 1 for at, i in found):
        return None
    pieces, order, start = [], [], 0
    for at, i in found:
        pieces.append(built[start:at])
        order.append(i)
        start = at + len(stand_ins[i])
    pieces.append(built[start:])
    shape = (tuple(pieces), tuple(order))
    return shape if _fill(shape, list(values.values())) == url_for(endpoint, **values) else None


def template_url_for(endpoint: str, **values: object) -> str:
    """The templates' `url_for`: the same addresses, through `path_for` (`_anchor` included)."""
    anchor = values.pop("_anchor", None) if "_anchor" in values else None
    return _with_anchor(path_for(endpoint, **values), anchor)


def relative(endpoint: str, anchor: str | None = None, **values: object) -> str:
    return _with_anchor(path_for(endpoint, **values), anchor)


def absolute(endpoint: str, anchor: str | None = None, **values: object) -> str:
    """A full URL under SITE_URL; on the request's own host only when SITE_URL is empty."""
    if not current_app.config.get("SITE_URL"):
        return _with_anchor(url_for(endpoint, _external=True, **values), anchor)
    cached = g.get("site_links")
    if cached is None or cached[0] != current_app.config["SITE_URL"]:  # one bound map per request
        cached = g.site_links = (current_app.config["SITE_URL"], site_links())
    return cached[1](endpoint, anchor, **values)


def site_root() -> str:
    """The site's address ending in "/": SITE_URL, or the request's root URL when SITE_URL is empty."""
    site = current_app.config.get("SITE_URL")
    return site.rstrip("/") + "/" if site else request.url_root


def site_address(path: str) -> str:
    """A full URL for a path as url_for builds it in this request (after the request's script root)."""
    if not current_app.config.get("SITE_URL"):
        return request.host_url.rstrip("/") + path
    prefix = request.script_root if has_request_context() else ""
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix):]
    return site_root() + path.lstrip("/")


def request_address() -> str:
    """The current request's own URL (path and query) under SITE_URL: a feed's rel="self" link."""
    query = request.query_string.decode("latin-1")
    return site_address(request.script_root + request.path + (f"?{query}" if query else ""))


def site_links() -> Link:
    """A link building absolute URLs under SITE_URL without a request (workers send mail too).

    Binding the URL map costs a little: build one and reuse it for a whole message or batch.
    """
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "http")

    def link(endpoint: str, anchor: str | None = None, **values: object) -> str:
        return _with_anchor(adapter.build(endpoint, values, force_external=True), anchor)

    return link


def site_url(endpoint: str, anchor: str | None = None, **values: object) -> str:
    """One absolute URL under SITE_URL (see site_links)."""
    return site_links()(endpoint, anchor, **values)


# --- anchors on the thread page (the templates give these ids to the elements) ----------------

def answer_anchor(answer_id: int) -> str:
    return f"answer-{answer_id}"


def comment_anchor(comment_id: int) -> str:
    return f"comment-{comment_id}"


QUESTION_ANCHOR = "question"
QUESTION_COMMENTS_ANCHOR = "question-comments"
SUPPORT_ANCHOR = "support"
SUPPORT_REPLY_ANCHOR = "support-reply"


# --- pages of things --------------------------------------------------------------------------

def thread_url(question_id: int, title: str, anchor: str | None = None, *, link: Link = relative) -> str:
    """The public thread of a question, for callers holding only its id and title (query rows)."""
    return link("questions.show", anchor=anchor, question_id=question_id, slug=slugify(title))


def question_number_url(question_id: int, *, link: Link = relative) -> str:
    """A thread known only by its number: the page answers with a redirect to its titled address."""
    return link("questions.show", question_id=question_id)


def question_url(question, anchor: str | None = None, *, link: Link = relative) -> str:
    return thread_url(question.id, question.title, anchor, link=link)


def answer_url(answer, *, link: Link = relative) -> str:
    """An answer is a place on its question's thread."""
    return thread_url(answer.question_id, answer.question.title, answer_anchor(answer.id), link=link)


def article_page_url(article_id: int, title: str, *, link: Link = relative) -> str:
    return link("knowledge.show", article_id=article_id, slug=slugify(title))


def article_url(article, *, link: Link = relative) -> str:
    return article_page_url(article.id, article.title, link=link)


def member_url(user, *, link: Link = relative, **values: object) -> str:
    """A member's public profile (`values`: e.g. tab='answers')."""
    return link("users.profile", user_id=user.id, slug=slugify(user.username), **values)


def avatar_url(user, *, link: Link = relative) -> str:
    """A member's generated picture (forum/avatars.py); every member has one."""
    return link("users.avatar", user_id=user.id)


def case_url(case, *, link: Link = relative) -> str:
    return link("cases.show", reference=case.reference)


def tag_url(tag, *, link: Link = relative, **values: object) -> str:
    """A tag's questions; `tag` is a Tag or its name."""
    return link("browse.tag", name=getattr(tag, "name", tag), **values)


def product_url(product, *, link: Link = relative, **values: object) -> str:
    """A product's questions; `product` is a Product or its slug."""
    return link("browse.product", slug=getattr(product, "slug", product), **values)


def mod_thread_url(question, *, link: Link = relative) -> str:
    """The moderators' view of a thread (state, history, actions)."""
    return link("mod.thread", question_id=question.id)


TEMPLATE_GLOBALS = {f.__name__: f for f in (question_url, answer_url, thread_url, article_url, member_url, avatar_url,
                                            case_url, tag_url, product_url, mod_thread_url, answer_anchor,
                                            comment_anchor, site_root)}
