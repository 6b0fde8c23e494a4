"""Build the pseudo-locale from messages.pot: every string wrapped in ⟦…⟧, placeholders kept.

It is filed under en_001 (CLDR's "English, world"): Babel formats dates and numbers only for
locales it knows, which rules out the customary made-up en_XA, and no reader is ever given en_001
otherwise (forum/i18n.py offers only the shipped languages).

A page shown in en_001 reads as English, but any text that did not come through the catalog has
no markers: tests/browser/test_pseudo_locale.py walks the main pages and names each such text.
Run by `make i18n-pseudo` and by that test; the catalog is build output (ignored by git).

    python -m tests.pseudo_locale
"""

import os
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "forum" / "translations"
PSEUDO_TRANSLATIONS = ROOT / "forum" / "translations-pseudo"  # forum/i18n.py reads it when the pseudo-locale is on
PSEUDO = "en_001"
OPEN, CLOSE = "⟦", "⟧"


def wrapped(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


def build(translations: Path = TRANSLATIONS, into: Path = PSEUDO_TRANSLATIONS) -> Path:
    """Write en_001's .po and .mo apart from the shipped catalogs; returns the .mo's path."""
    with (translations / "messages.pot").open("rb") as source:
        catalog = read_po(source, locale=PSEUDO)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(wrapped(form) for form in message.id)
        else:
            message.string = wrapped(message.id)
    folder = into / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside and moved into place: CI's two suites build it at the same time (.ci/run), and
    # a server must never read a half-written catalog.
    for name, write in (("messages.po", lambda f: write_po(f, catalog, width=0)), ("messages.mo", lambda f: write_mo(f, catalog))):
        partial = folder / f"{name}.{os.getpid()}"
        with partial.open("wb") as out:
            write(out)
        os.replace(partial, folder / name)
    return folder / "messages.mo"


if __name__ == "__main__":
    sys.stdout.write(f"wrote {build()}\n")
