"""Every visible word a template writes itself is marked for translation.

The check reads the template sources: it blanks Jinja comments, `{% trans %}…{% endtrans %}`
blocks, `{{ … }}` expressions and `{% … %}` tags, then looks for words left in the text between
tags and in the attributes people read (title, aria-label, placeholder, alt, data-label). Text
inside <code>, <pre>, <kbd>, <script> and <style> is machine text. A `.txt` email has no tags:
any word left on a line is unmarked.
"""

import pathlib
import re
from html.parser import HTMLParser

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "forum" / "templates"
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-label"}
MACHINE_ELEMENTS = {"code", "pre", "kbd", "script", "style"}
# A word people read: two letters or more, not a path, an identifier or an attribute a macro writes.
WORD = re.compile(r"(?<![\w/.=-])[A-Za-z][a-z]*[A-Za-z](?![\w/=\"-])")


def _blanked(source: str) -> str:
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    source = re.sub(r"\{#.*?#\}", blank, source, flags=re.S)
    source = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", blank, source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}", blank, source, flags=re.S)
    return re.sub(r"\{%.*?%\}", blank, source, flags=re.S)


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.machine = 0
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        self.machine += tag in MACHINE_ELEMENTS
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and WORD.search(value):
                self.found.append((self.getpos()[0], f"{name}={value.strip()!r}"))

    def handle_endtag(self, tag):
        if tag in MACHINE_ELEMENTS and self.machine:
            self.machine -= 1

    def handle_data(self, data):
        if not self.machine and WORD.search(data):
            self.found.append((self.getpos()[0], data.strip()))


def unmarked(path: pathlib.Path, root: pathlib.Path = TEMPLATES) -> list[str]:
    text = _blanked(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        found = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if WORD.search(line)]
    else:
        parser = _Words()
        parser.feed(text)
        found = parser.found
    return [f"{path.relative_to(root)}:{line}: {words[:80]}" for line, words in found]


def test_no_template_writes_an_unmarked_word():
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))
    assert len(templates) > 100
    problems = [problem for path in templates for problem in unmarked(path)]
    assert problems == []


def test_the_check_finds_unmarked_text_and_accepts_marked_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<h1>Hello</h1><p title="Some tip">{{ _("Marked") }}</p><code>raw_token</code>\n'
                    '<button aria-label="{{ _(\'Close\') }}">{% trans %}Also {{ marked }}{% endtrans %}</button>')
    mail = tmp_path / "mail.txt"
    mail.write_text('{{ _("Hi %(name)s,", name=name) }}\nThanks for asking\n{{ link }}\n')
    found = [line.split(": ", 1)[1] for line in unmarked(page, tmp_path) + unmarked(mail, tmp_path)]
    assert found == ["Hello", "title='Some tip'", "Thanks for asking"]



MARKED = re.compile(r"\b(?:_|gettext|ngettext)\(|\{%-?\s*trans\b")


def test_the_catalog_template_holds_every_template_folder_with_marked_strings():
    """`make i18n-extract` must reach every folder (pybabel skips "_macros"-style names by default)."""
    pot = (TEMPLATES.parent / "translations" / "messages.pot").read_text(encoding="utf-8")
    extracted = {pathlib.PurePosixPath(path).parent for path in re.findall(r"forum/templates/\S+", pot)}
    marked = {pathlib.PurePosixPath("forum/templates") / p.relative_to(TEMPLATES).parent
              for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt") and MARKED.search(p.read_text(encoding="utf-8"))}
    assert sorted(str(folder) for folder in marked - extracted) == []
