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

A `link` is any `link(endpoint, anchor=None, **values) -> str`.
"""

import functools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, url_for

Link = Callable[..., str]


@functools.lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """URL slug of a title or name; memoized, as a thread page asks for the same names many times."""
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:80] or "q"


def _with_anchor(url: str, anchor: str | None) -> str:
    return f"{url}#{anchor}" if anchor else url


def relative(endpoint: str, anchor: str | None = None, **values: object) -> str:
    return _with_anchor(url_for(endpoint, **values), anchor)


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
