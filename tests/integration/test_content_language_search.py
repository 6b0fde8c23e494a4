"""Search reads each text in its own language: per-language stemming and stop words, on both backends."""

import pytest

from forum.search.postgres_backend import CONFIGS
from forum.services import questions
from tests.factories import make_answer, make_question
from tests.integration import test_search_backends as contract
from tests.integration.test_api import assert_error
from tests.integration.test_search_backends import keys, search, sync

backend = contract.backend  # the contract suite's fixture: every backend in use (Whoosh; PostgreSQL on it)

FRENCH = ("Les chevaux ne boivent plus à l'abreuvoir automatique",
          "Depuis la mise à jour, les chevaux de la ferme restent devant l'abreuvoir vide toute la journée.")
ENGLISH = ("Die casting of the thermostat case cracked",
           "The horses stopped drinking from the automatic waterer after the update, every single day.")


def _thread(title: str, body: str, language: str):
    return make_question(title=title, body=body, language=language)


def test_a_french_question_is_found_by_another_form_of_its_words(backend):
    french = _thread(*FRENCH, "fr")
    english = _thread(*ENGLISH, "en")
    sync(backend, french, english)
    assert keys(search(backend, "cheval")) == [f"question:{french.id}"]  # "chevaux" stems to "cheval" in French
    page = search(backend, "abreuvoirs chevaux")
    assert keys(page) == [f"question:{french.id}"]
    assert ("chevaux", True) in page.items[0].hit.title_segments  # highlighted in its own language
    assert page.items[0].hit.language == "fr"


def test_english_search_is_unchanged_beside_other_languages(backend):
    french = _thread(*FRENCH, "fr")
    english = _thread(*ENGLISH, "en")
    sync(backend, french, english)
    assert keys(search(backend, "horse drinks")) == [f"question:{english.id}"]  # English stems
    # "die" is a German stop word and "the" an English one: each language reads the query its own way.
    assert keys(search(backend, "die casting")) == [f"question:{english.id}"]
    assert keys(search(backend, "the")) == []  # only stop words of the text's language match nothing
    assert keys(search(backend, "the thermostat", kind="question")) == [f"question:{english.id}"]


@pytest.mark.parametrize(("language", "title", "body", "query"), [
    ("de", "Die Zeitpläne des Thermostats verschwinden", "Nach dem Update sind alle gespeicherten Zeitpläne weg.",
     "zeitplan"),
    ("es", "Los horarios del termostato desaparecen", "Después de actualizar, todos los horarios guardados se borran.",
     "horario"),
    ("ar", "منظم الحرارة لا يحفظ الجداول", "بعد التحديث تختفي كل الجداول المحفوظة في منظم الحرارة.", "الجداول"),
])
def test_each_shipped_language_is_searched_in_its_own_word_forms(backend, language, title, body, query):
    question = _thread(title, body, language)
    sync(backend, question, _thread(*ENGLISH, "en"))
    assert keys(search(backend, query)) == [f"question:{question.id}"]
    assert keys(search(backend, query, language=language)) == [f"question:{question.id}"]
    assert keys(search(backend, query, language="en")) == []


def test_the_language_filter_narrows_answers_and_questions_alike(backend):
    french = _thread(*FRENCH, "fr")
    answer = make_answer(french, body="Vérifiez le flotteur de l'abreuvoir : les chevaux le bloquent souvent.")
    english = _thread(*ENGLISH, "en")
    sync(backend, french, english)
    assert set(keys(search(backend, "", language="fr"))) == {f"question:{french.id}", f"answer:{answer.id}"}
    assert keys(search(backend, "", language="en")) == [f"question:{english.id}"]
    assert keys(search(backend, "abreuvoir", language="fr", kind="answer")) == [f"answer:{answer.id}"]


def test_changing_a_questions_language_re_indexes_it_in_that_language(backend):
    question = _thread(*FRENCH, "en")  # filed as English by mistake: English stems miss "cheval"
    sync(backend, question)
    assert keys(search(backend, "cheval")) == []
    questions.edit_question(question.id, question.author, language="fr")
    sync(backend, question)
    assert keys(search(backend, "cheval")) == [f"question:{question.id}"]


def test_every_shipped_language_has_a_postgresql_configuration():
    from forum.models import Language

    assert set(CONFIGS) == set(Language)


def test_web_and_api_search_filter_by_language(client):
    french = make_question(title=FRENCH[0], body=FRENCH[1], language="fr")
    make_question(title=ENGLISH[0], body=ENGLISH[1], language="en")
    page = client.get("/search?q=cheval&lang=fr").get_data(as_text=True)
    assert french.title.replace("'", "&#39;") in page or "abreuvoir automatique" in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    assert 'lang="fr" dir="ltr"' in page
    refused = client.get("/search?q=cheval&lang=xx")
    assert refused.status_code == 400
    assert "Unknown language: use one of en, fr, es, de, ar." in refused.get_data(as_text=True)
    found = client.get("/api/v1/search?q=chevaux&lang=fr").get_json()
    assert [(item["thread_id"], item["language"]) for item in found["items"]] == [(french.id, "fr")]
    assert client.get("/api/v1/search?q=chevaux&lang=en").get_json()["items"] == []
    error = assert_error(client.get("/api/v1/search?q=chevaux&lang=klingon"), 422)
    assert "lang" in error["fields"]
