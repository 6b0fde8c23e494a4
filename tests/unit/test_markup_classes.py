"""Posts can't borrow the site's UI classes (issue 14, finding 13): only code highlighting's survive."""

from html.parser import HTMLParser

from pygments.token import STANDARD_TYPES

from forum.markup import render_markdown


class _Classes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.extend((tag, value) for name, value in attrs if name == "class")


def classes(html: str) -> list[tuple[str, str]]:
    parser = _Classes()
    parser.feed(html)
    return parser.seen


def test_finding13_ui_classes_written_by_a_member_are_removed():
    html = render_markdown(
        '<div class="flash flash--error">Your account will be deleted</div>\n\n'
        '<span class="badge badge--moderator">moderator</span> <code class="button">x</code> '
        '<pre class="notice">y</pre> <span class="k badge">z</span>')
    assert classes(html) == []
    assert "Your account will be deleted" in html and "moderator" in html


def test_finding13_code_highlighting_keeps_its_classes():
    html = render_markdown("```python\nimport os  # comment\nprint('hi')\n```\n\n```\nplain fence\n```")
    found = classes(html)
    assert ("div", "highlight") in found
    spans = {value for tag, value in found if tag == "span"}
    assert {"kn", "nn", "c1", "s1"} <= spans <= set(STANDARD_TYPES.values())
    assert render_markdown('<code class="language-python">x = 1</code>').count('class="language-python"') == 1
