"""Fail when a shipped catalog has an untranslated or fuzzy entry, or lags behind messages.pot.

    python -m tests.catalog_check      (make i18n-check)

Prints each gap as `locale: msgid` and exits 1 when there is any. The suite runs the same check
(tests/unit/test_catalog_check.py), so CI fails on a gap: a change that adds or rewords a string
runs `make i18n-update` and translates it in every shipped catalog.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po

from forum.models import DEFAULT_LANGUAGE, Language

TRANSLATIONS = Path(__file__).resolve().parents[1] / "forum" / "translations"


def gaps(translations: Path = TRANSLATIONS) -> list[str]:
    """`locale: problem` for every entry a shipped locale is missing, has fuzzy, or does not know yet."""
    with (translations / "messages.pot").open("rb") as source:
        wanted = {message.id for message in read_po(source) if message.id}
    found = []
    for language in Language:
        if language is DEFAULT_LANGUAGE:
            continue  # the source text
        path = translations / language.value / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            found.append(f"{language.value}: no catalog at {path.relative_to(translations.parent.parent)}")
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=language.value)
        known = set()
        for message in catalog:
            if not message.id:
                continue
            known.add(message.id)
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            label = message.id[0] if isinstance(message.id, tuple) else message.id
            if message.fuzzy:
                found.append(f"{language.value}: fuzzy: {label}")
            elif not all(forms):
                found.append(f"{language.value}: untranslated: {label}")
        found.extend(f"{language.value}: missing (run make i18n-update): "
                     f"{m[0] if isinstance(m, tuple) else m}" for m in sorted(wanted - known, key=str))
    return found


if __name__ == "__main__":
    problems = gaps()
    sys.stdout.write("".join(f"{line}\n" for line in problems))
    sys.stdout.write(f"{len(problems)} catalog gaps\n")
    sys.exit(1 if problems else 0)
