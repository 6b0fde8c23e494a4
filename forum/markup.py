"""The one sanitizer: markdown and plain text in, safe HTML out.

Everything user-written that reaches a page passes through here once, at write time; the
stored HTML is what templates show. The allow-list is explicit and links always get
rel="nofollow ugc noopener".
"""

import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

MAX_MARKDOWN_CHARS = 30_000
MAX_NESTING = 20

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_CLASS_RE = re.compile(r"^[a-zA-Z0-9_ -]{1,60}$")
LINK_REL = "nofollow ugc noopener"


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title")
    if tag == "img":
        if name == "src":
            return value.lower().startswith("https://")
        return name in ("alt", "title")
    if tag in ("td", "th"):
        return name == "align" and value in ("left", "right", "center")
    if tag in ("code", "span", "div", "pre"):
        return name == "class" and bool(_CLASS_RE.match(value))
    return False


def _set_rel(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href.startswith("mailto:"):
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags=["pre", "code"], parse_email=False)],
)

_NESTING_RE = re.compile(rf"^[ \t]*(?:(?:[>*+-]|\d+[.)])[ \t]*){{{MAX_NESTING + 1},}}", re.MULTILINE)


_INDENT_RE = re.compile(rf"^[ \t]{{{MAX_NESTING * 4 + 1},}}", re.MULTILINE)


def _tame(text: str) -> str:
    """Flatten absurdly deep list/quote prefixes and indentation so rendering stays bounded."""
    text = text.replace("\x00", "")
    text = _INDENT_RE.sub(" " * MAX_NESTING * 4, text)
    return _NESTING_RE.sub(lambda m: "> " * MAX_NESTING, text)


def render_markdown(text: str) -> str:
    """Render markdown (fenced code, tables, highlighting) and return sanitized HTML."""
    source = _tame(text[:MAX_MARKDOWN_CHARS])
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "codehilite", "sane_lists"],
        extension_configs={"codehilite": {"guess_lang": False, "css_class": "highlight"}},
        output_format="html",
    )
    try:
        html = md.convert(source)
    except RecursionError:
        html = "<pre>" + bleach.clean(source) + "</pre>"
    return _cleaner.clean(html)


def render_plain(text: str) -> str:
    """Escape plain text (comments) and turn its URLs into safe links."""
    return _cleaner.clean(bleach.clean(text.replace("\x00", ""), tags=set(), strip=True))


def stored(html: str | None) -> Markup:
    """Mark HTML produced by this module as safe for templates; the only `|safe` in the app."""
    return Markup(html or "")


def strip_tags(html: str) -> str:
    """Plain text of stored HTML, for excerpts and feeds' summaries."""
    return bleach.clean(html or "", tags=set(), strip=True)
