"""Property test: whatever markdown a member writes, the sanitizer's output carries no script."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.markup import ALLOWED_TAGS, render_markdown, render_plain

FRAGMENTS = st.sampled_from([
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "JaVaScRiPt:", "data:text/html,",
    "[a](", ")", "![b](", "<a href=\"", "\">", "<svg onload=", "<iframe", "onclick=", "style=", "&#58;", "&#x3a;",
    "```", "\n", "> ", "* ", "1. ", "<", ">", "\"", "'", "`", "<div ", "</div>", "vbscript:", "\t", "<!--", "-->",
])
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            if name in ("href", "src") and urlsplit((value or "").strip()).scheme not in ("http", "https", "mailto", ""):
                self.problems.append(f"url {value}")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_no_markdown_yields_script_handlers_or_javascript_urls(text):
    for html in (render_markdown(text), render_plain(text)):
        parser = _Elements()
        parser.feed(html)
        assert parser.problems == []
        assert "<script" not in html.lower()
