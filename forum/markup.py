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
from markdown import inlinepatterns
from markdown.extensions import Extension
from markupsafe import Markup
from pygments.token import STANDARD_TYPES

MAX_MARKDOWN_CHARS = 30_000
MAX_NESTING = 20
# Characters the link, image and reference patterns may scan in one render. Python-Markdown
# scans from every `[` (and every `](`) to the closing bracket or the end of the paragraph, so a
# run of unclosed brackets costs length × brackets; an ordinary post scans a few thousand.
LINK_SCAN_BUDGET = 200_000
# Raw-HTML openers (`<a`, `</x`, `<!`, `<?`) that reach another `<` or a quote before their `>`:
# Python's HTML parser, under Python-Markdown's raw-HTML step, reads on from each of them to the
# end of the text. Past this many, all of them are written as `&lt;` (which renders the same).
MAX_UNCLOSED_TAGS = 16
# The sanitizer's HTML parser looks through every open element for each new block tag, so raw
# HTML opened thousands deep costs depth × tags; deeper than this, raw HTML is shown as text.
MAX_HTML_DEPTH = 100
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                        "source", "track", "wbr"})
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Classes are the site's own vocabulary (banners, badges, buttons): a post may carry only the ones
# code highlighting writes, so it can't dress up as the site's UI. The highlighted block's box, the
# token classes Pygments emits for its spans, and the fenced block's language on <code>.
HIGHLIGHT_BLOCK_CLASS = "highlight"
TOKEN_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name) | {"hll"}
_LANGUAGE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")
LINK_REL = "nofollow ugc noopener"


def is_image_url(value: str) -> bool:
    """Images come over https only: in posts and for the site's logo alike."""
    return value.lower().startswith("https://")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title")
    if tag == "img":
        if name == "src":
            return is_image_url(value)
        return name in ("alt", "title")
    if tag in ("td", "th"):
        return name == "align" and value in ("left", "right", "center")
    if name != "class":
        return False
    if tag in ("div", "pre"):
        return value == HIGHLIGHT_BLOCK_CLASS
    if tag == "span":
        classes = value.split()
        return bool(classes) and all(c in TOKEN_CLASSES for c in classes)
    if tag == "code":
        return bool(_LANGUAGE_CLASS_RE.match(value))
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


_UNCLOSED_TAG_RE = re.compile(r"<(?=[a-zA-Z/!?][^<>'\"]*(?:[<'\"]|\Z))")


def _tame(text: str) -> str:
    """Flatten absurdly deep list/quote prefixes and indentation so rendering stays bounded."""
    text = text.replace("\x00", "")
    text = _INDENT_RE.sub(" " * MAX_NESTING * 4, text)
    text = _NESTING_RE.sub(lambda m: "> " * MAX_NESTING, text)
    if len(_UNCLOSED_TAG_RE.findall(text, 0)) > MAX_UNCLOSED_TAGS:
        text = _UNCLOSED_TAG_RE.sub("&lt;", text)
    return text


class LinkScanBudget:
    """What the link patterns of one render may still scan; `scanned` is there for tests and bench/."""

    def __init__(self, limit: int = LINK_SCAN_BUDGET) -> None:
        self.remaining = limit
        self.scanned = 0
        self.refused = 0

    def afford(self, cost: int) -> bool:
        """Reserve a scan of `cost` characters; once the budget is spent every scan is refused."""
        if cost > self.remaining:
            self.remaining = 0
            self.refused += 1
            return False
        return True

    def charge(self, cost: int) -> None:
        self.remaining -= cost
        self.scanned += cost


class _BoundedScans:
    """Python-Markdown's link scans, unchanged while the render's budget lasts, refused after.

    A scan is only started when the budget covers the rest of the paragraph (the most it can
    read), so a result is either exactly Python-Markdown's or "not a link" (the text stays text).
    """

    budget: LinkScanBudget

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if not self.budget.afford(len(data) - index):
            return "", index, False
        text, end, handled = super().getText(data, index)
        self.budget.charge(end - index)
        return text, end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        rest = len(data) - index
        if not self.budget.afford(rest):
            return "", None, index, False
        href, title, end, handled = super().getLink(data, index)
        # A title's quotes let the scan run on past the link's end (Python-Markdown backtracks).
        exact = handled and not any(quote in data[index:end] for quote in "'\"")
        self.budget.charge(end - index if exact else rest)
        return href, title, end, handled


# Name, class, regex and priority as `markdown.inlinepatterns.build_inlinepatterns` registers them.
_BOUNDED = [
    (name, type(f"Bounded{base.__name__}", (_BoundedScans, base), {}), pattern, priority)
    for name, base, pattern, priority in (
        ("reference", inlinepatterns.ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 170),
        ("link", inlinepatterns.LinkInlineProcessor, inlinepatterns.LINK_RE, 160),
        ("image_link", inlinepatterns.ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE, 150),
        ("image_reference", inlinepatterns.ImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 140),
        ("short_reference", inlinepatterns.ShortReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 130),
        ("short_image_ref", inlinepatterns.ShortImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 125),
    )
]


class BoundedLinks(Extension):
    """Swap the six link-ish inline patterns for budgeted ones (same regexes, same priorities)."""

    def __init__(self, budget: LinkScanBudget) -> None:
        super().__init__()
        self.budget = budget

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for name, cls, pattern, priority in _BOUNDED:
            processor = cls(pattern, md)
            processor.budget = self.budget
            md.inlinePatterns.register(processor, name, priority)


def html_depth(html: str) -> int:
    """How deep elements nest in `html`, counted the cheap way (tags, not a parse).

    A closing tag only closes an element of its name that is open, as an HTML parser has it.
    """
    open_by_name: dict[str, int] = {}
    depth = deepest = 0
    for closing, name, self_closing in _TAG_RE.findall(html):
        name = name.lower()
        if name in _VOID_TAGS or self_closing:
            continue
        if not closing:
            open_by_name[name] = open_by_name.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
        elif open_by_name.get(name):
            open_by_name[name] -= 1
            depth -= 1
    return deepest


def _convert(source: str, budget: LinkScanBudget) -> str:
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "codehilite", "sane_lists", BoundedLinks(budget)],
        extension_configs={"codehilite": {"guess_lang": False, "css_class": "highlight"}},
        output_format="html",
    )
    try:
        return md.convert(source)
    except RecursionError:
        return "<pre>" + bleach.clean(source) + "</pre>"


def render_markdown(text: str, budget: LinkScanBudget | None = None) -> str:
    """Render markdown (fenced code, tables, highlighting) and return sanitized HTML.

    Every step is bounded for any input up to MAX_MARKDOWN_CHARS (bench/markdown.py measures
    the worst families); ordinary posts render exactly as plain Python-Markdown renders them.
    """
    budget = budget or LinkScanBudget()
    source = _tame(text[:MAX_MARKDOWN_CHARS])
    html = _convert(source, budget)
    if html_depth(html) > MAX_HTML_DEPTH:
        html = _convert(source.replace("<", "&lt;"), budget)
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
