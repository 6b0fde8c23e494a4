"""Rendering any post up to the length limit does bounded work, and ordinary posts render as before.

Work is counted, not timed: the characters Python-Markdown's link scans read, the characters
Python's HTML parser reads looking for the end of raw-HTML start tags, and the open elements
the sanitizer's parser looks through. bench/markdown.py measures the time.
"""

import html.parser

import markdown
import pytest
from bleach._vendor.html5lib.treebuilders import base as treebuilder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import inlinepatterns

from bench.markdown import FAMILIES, fuzzed
from forum import demo_content
from forum.markup import _INDENT_RE, _NESTING_RE, MAX_MARKDOWN_CHARS, MAX_NESTING, _cleaner, render_markdown

# Work per render, in characters or elements examined: a 30,000-character post's fair share.
WORK_LIMIT = 1_000_000


class _Work:
    def __init__(self) -> None:
        self.link_scan = 0
        self.start_tag_scan = 0
        self.scope_checks = 0


@pytest.fixture
def work(monkeypatch):
    """Count the three kinds of scanning that were quadratic in hostile input (calls go through)."""
    counted = _Work()
    get_text = inlinepatterns.LinkInlineProcessor.getText
    get_link = inlinepatterns.LinkInlineProcessor.getLink
    whole_start_tag = html.parser.HTMLParser.check_for_whole_start_tag
    in_scope = treebuilder.TreeBuilder.elementInScope

    def counting_get_text(self, data, index):
        result = get_text(self, data, index)
        counted.link_scan += result[1] - index
        return result

    def counting_get_link(self, data, index):
        counted.link_scan += len(data) - index  # the scan may read on to the end (titles backtrack)
        return get_link(self, data, index)

    def counting_whole_start_tag(self, i):
        j = whole_start_tag(self, i)
        counted.start_tag_scan += (len(self.rawdata) if j < 0 else j) - i
        return j

    def counting_in_scope(self, target, variant=None):
        counted.scope_checks += len(self.openElements)
        return in_scope(self, target, variant)

    monkeypatch.setattr(inlinepatterns.LinkInlineProcessor, "getText", counting_get_text)
    monkeypatch.setattr(inlinepatterns.LinkInlineProcessor, "getLink", counting_get_link)
    monkeypatch.setattr(html.parser.HTMLParser, "check_for_whole_start_tag", counting_whole_start_tag)
    monkeypatch.setattr(treebuilder.TreeBuilder, "elementInScope", counting_in_scope)
    return counted


HOSTILE = {name: unit * (chars // len(unit)) for name, (unit, chars) in FAMILIES.items()}
HOSTILE |= {f"fuzzed seed {seed}": fuzzed(seed) for seed in (1, 7, 39)}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markdown_does_bounded_work(work, name):
    text = HOSTILE[name]
    assert len(text) <= MAX_MARKDOWN_CHARS
    render_markdown(text)
    assert work.link_scan <= WORK_LIMIT
    assert work.start_tag_scan <= WORK_LIMIT
    assert work.scope_checks <= WORK_LIMIT


def test_unclosed_brackets_still_render_as_text():
    assert render_markdown("[" * 20_000) == "<p>" + "[" * 20_000 + "</p>"
    assert render_markdown("[a](" * 5_000).count("<a ") == 0
    assert render_markdown("<a " * 10_000).startswith("<p>&lt;a &lt;a")


def _plain_python_markdown(text: str) -> str:
    """How forum/markup.py rendered before rendering was bounded: the reference for ordinary posts."""
    text = text[:MAX_MARKDOWN_CHARS].replace("\x00", "")
    text = _INDENT_RE.sub(" " * MAX_NESTING * 4, text)
    text = _NESTING_RE.sub(lambda m: "> " * MAX_NESTING, text)
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "codehilite", "sane_lists"],
        extension_configs={"codehilite": {"guess_lang": False, "css_class": "highlight"}},
        output_format="html",
    )
    return _cleaner.clean(md.convert(text))


def _demo_posts() -> list[str]:
    posts = []
    for question in demo_content.QUESTIONS:
        posts.append(question["body"])
        posts.extend(answer["body"] for answer in question.get("answers", []))
    return posts


def test_demo_community_renders_byte_for_byte_as_before():
    posts = _demo_posts()
    assert len(posts) > 100
    for post in posts:
        assert render_markdown(post) == _plain_python_markdown(post)
    everything = "\n\n".join(posts)[:MAX_MARKDOWN_CHARS]
    assert render_markdown(everything) == _plain_python_markdown(everything)


WORDS = st.sampled_from(["the", "router", "reset", "firmware", "Wi-Fi", "a < b", "x > y", "[1]", "(see above)",
                         "it's", '"quoted"', "C++", "`code`", "**bold**", "_it_", "*em*", "&amp;", "5 & 6",
                         "[link](https://example.com/a_(b))", "[t](https://e.example \"Title\")",
                         "![img](https://e.example/p.png)", "<https://example.com>", "<b>raw</b>", "<br>",
                         "[ref][1]", "[stray", "stray]", "\\[escaped\\]", "<kbd>Ctrl</kbd>", "`[` in code",
                         "[nested [brackets] here](https://e.example)", "<span class=\"x\">s</span>"])
LINE = st.lists(WORDS, min_size=1, max_size=15).map(" ".join)
BLOCK = st.one_of(
    LINE,
    st.lists(LINE, min_size=1, max_size=4).map(lambda lines: "\n".join("- " + line for line in lines)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda lines: "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))),
    LINE.map(lambda line: "## " + line),
    LINE.map(lambda line: "> " + line),
    LINE.map(lambda line: "```\n" + line + "\n```"),
    LINE.map(lambda line: "    " + line),
    st.just("| a | b |\n|---|---|\n| [x](https://e.example) | `y` |"),
    st.just("[1]: https://example.com/ref"),
)
ORDINARY_POST = st.lists(BLOCK, min_size=1, max_size=12).map("\n\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ORDINARY_POST)
def test_ordinary_posts_render_byte_for_byte_as_before(post):
    assert render_markdown(post) == _plain_python_markdown(post)
