"""The catalog check (tests/catalog_check.py) and the pseudo-locale builder (tests/pseudo_locale.py)."""

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import write_po

from forum.models import Language
from tests import catalog_check, pseudo_locale


def _write(path, catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog)


def _catalogs(tmp_path, fill):
    template = Catalog()
    for msgid in ("Save", ("%(count)s answer", "%(count)s answers"), "Delete"):
        template.add(msgid)
    _write(tmp_path / "messages.pot", template)
    for language in Language:
        if language is not Language.EN:
            catalog = Catalog(locale=language.value)
            fill(language, catalog)
            _write(tmp_path / language.value / "LC_MESSAGES" / "messages.po", catalog)
    return tmp_path


def test_complete_catalogs_pass(tmp_path):
    def fill(language, catalog):
        catalog.add("Save", "ok")
        catalog.add(("%(count)s answer", "%(count)s answers"), tuple("n" for _ in range(catalog.num_plurals)))
        catalog.add("Delete", "ok")

    assert catalog_check.gaps(_catalogs(tmp_path, fill)) == []


def test_untranslated_fuzzy_and_missing_entries_are_named(tmp_path):
    def fill(language, catalog):
        if language is Language.FR:
            catalog.add("Save", "Enregistrer", flags=["fuzzy"])
            catalog.add(("%(count)s answer", "%(count)s answers"), ("%(count)s réponse", "", ""))
        else:
            catalog.add("Save", "ok")
            catalog.add(("%(count)s answer", "%(count)s answers"), tuple("n" for _ in range(catalog.num_plurals)))
            catalog.add("Delete", "ok")

    assert catalog_check.gaps(_catalogs(tmp_path, fill)) == [
        "fr: fuzzy: Save", "fr: untranslated: %(count)s answer", "fr: missing (run make i18n-update): Delete"]


def test_pseudo_locale_wraps_every_string_and_keeps_placeholders(tmp_path):
    template = Catalog()
    template.add("Save")
    template.add(("%(count)s answer", "%(count)s answers"))
    _write(tmp_path / "messages.pot", template)
    with pseudo_locale.build(tmp_path, tmp_path / "pseudo").open("rb") as mo:
        built = read_mo(mo)
    assert built.get("Save").string == "⟦Save⟧"
    assert built.get(("%(count)s answer", "%(count)s answers")).string[1] == "⟦%(count)s answers⟧"


def test_the_shipped_catalogs_are_complete():
    """Every string of messages.pot is translated, none fuzzy, in every shipped language (make i18n-check)."""
    assert catalog_check.gaps() == []
