"""Marking the texts of reputation's rules for the forum's catalog without translating them here.

`reputation/` is pure (it imports neither Flask nor `forum`), so it can't know the reader's
language. `N_` only marks a message: `make i18n-extract` collects the `N_` keyword, and the forum
translates the message where it shows it (`_(rule.label)` in the templates, `_(rule.needs)`
in `forum/policy/permissions.py`, `gettext(spec.name)` in the API).
"""


def N_(message: str) -> str:
    return message
