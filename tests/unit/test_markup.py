"""The one sanitizer: markdown renders, and no hostile payload survives."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from forum.markup import ALLOWED_TAGS, render_markdown, render_plain

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p onclick=\"alert(1)\">hi</p>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<<script>script>alert(1)<</script>/script>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "![x](javascript:alert(1))",
    "<object data=\"javascript:alert(1)\"></object>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<style>body{display:none}</style>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<base href=\"https://evil.example/\">",
]


class _Elements(HTMLParser):
    """Collect every element and attribute as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def _elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives(payload):
    for html in (render_markdown(payload), render_plain(payload)):
        for tag, attrs in _elements(html):
            assert tag in ALLOWED_TAGS
            for name, value in attrs.items():
                assert not name.startswith("on")
                assert name != "style"
                if name in ("href", "src"):
                    assert urlsplit(value.strip()).scheme in ("http", "https", "mailto")


def test_markdown_features_render():
    html = render_markdown("# Title\n\n**bold** and `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<table>" in html
    assert 'class="highlight"' in html


def test_links_get_rel_and_bare_urls_are_linked():
    html = render_markdown("See [docs](https://example.com/a) or https://example.com/b")
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_images_only_over_https():
    assert 'src="https://example.com/a.png"' in render_markdown("![a](https://example.com/a.png)")
    assert "src=" not in render_markdown("![a](http://example.com/a.png)")


def test_deep_nesting_is_bounded():
    html = render_markdown("> " * 5000 + "deep")
    assert html.count("<blockquote>") <= 21
    assert "deep" in html


def test_plain_comments_are_escaped():
    assert render_plain("a < b & <b>c</b>") == "a &lt; b &amp; c"
