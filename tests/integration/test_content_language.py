"""Content language: a question records what it is written in; lists, feeds, the API and pages say so."""

import re
import xml.etree.ElementTree as ET

import pytest

from forum.extensions import db
from forum.models import Question, Revision
from forum.services import questions, settings
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import make_product, make_question, make_tags, make_user
from tests.integration.test_api import assert_error, bearer

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ASK = {"title": "La sonde ne mesure plus la température", "product": "thermostat", "tags": "schedule",
       "body": "Depuis la mise à jour, les chevaux de la ferme ont froid et la sonde reste muette."}


def _sign_in_an_asker(client) -> None:
    make_product()
    make_tags("schedule")
    login(client, make_user())


def _ask_page(client, **headers) -> str:
    return client.get("/questions/ask", headers=headers).get_data(as_text=True)


def test_the_ask_form_offers_the_shipped_languages_preselecting_the_interface_one(client):
    make_product()
    login(client, make_user())
    page = _ask_page(client, **{"Accept-Language": "fr"})
    options = re.findall(r'<option value="(\w\w)" lang="\w\w"( selected)?>', page.split('name="language"')[1])
    assert [code for code, _ in options] == ["en", "fr", "es", "de", "ar"]
    assert [code for code, selected in options if selected] == ["fr"]


def test_asking_records_the_chosen_language_and_the_page_marks_the_content(client):
    _sign_in_an_asker(client)
    response = client.post("/questions/ask", data={**ASK, "language": "fr"})
    assert response.status_code == 302
    question = db.session.scalars(db.select(Question)).one()
    assert question.language == "fr"
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<html lang=\"en\"" in page  # the interface stays English
    assert '<h1 id="question-title" lang="fr" dir="ltr">' in page
    assert '<div class="post__body prose" lang="fr" dir="ltr">' in page


def test_without_a_choice_a_question_is_in_the_interface_language(client):
    _sign_in_an_asker(client)
    assert client.post("/questions/ask", data=ASK, headers={"Accept-Language": "de"}).status_code == 302
    assert db.session.scalars(db.select(Question.language)).one() == "de"


def test_an_unknown_language_is_a_form_error(client):
    _sign_in_an_asker(client)
    response = client.post("/questions/ask", data={**ASK, "language": "klingon"})
    assert response.status_code == 422
    assert "Please choose one of the languages: en, fr, es, de, ar." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_an_arabic_question_is_laid_out_right_to_left_inside_an_english_page(client):
    question = make_question(title="لا يعمل منظم الحرارة بعد التحديث", language="ar")
    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in page
    assert 'lang="ar" dir="rtl">لا يعمل منظم الحرارة بعد التحديث</h1>' in page


def test_editing_changes_the_language_without_a_new_revision_when_the_text_is_the_same(client):
    question = make_question(language="en")
    login(client, question.author)
    form = client.get(f"/questions/{question.id}/edit").get_data(as_text=True)
    assert '<option value="en" lang="en" selected>' in form
    response = client.post(f"/questions/{question.id}/edit", data={
        "title": question.title, "body": question.body_md, "tags": "schedule", "language": "es"})
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.language == "es"
    assert _revisions(question.id) == 1  # the text is unchanged: no new revision
    # A post without the field (an older form) keeps the language.
    client.post(f"/questions/{question.id}/edit", data={"title": question.title + " now", "body": question.body_md,
                                                         "tags": "schedule"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).language == "es"
    assert _revisions(question.id) == 2


def _revisions(question_id: int) -> int:
    return db.session.scalar(db.select(db.func.count(Revision.id)).where(Revision.question_id == question_id))


def test_the_service_refuses_an_unknown_language_and_defaults_to_the_site_language():
    author = make_user()
    make_product()
    make_tags("schedule")
    with pytest.raises(ValidationFailed) as refused:
        questions.ask(author, title="A question in no language", body="b" * 40, tags="schedule",
                      product="thermostat", language="xx")
    assert set(refused.value.fields) == {"language"}
    with unit_of_work():
        settings.set_default_locale("fr")
    assert questions.ask(author, title="Une question sans langue dite", body="b" * 40, tags="schedule",
                         product="thermostat").language == "fr"


def test_lists_filter_by_language_and_keep_the_filter_across_sorts(client):
    english = make_question(title="The thermostat forgets its schedule", language="en")
    french = make_question(title="Le thermostat oublie son programme", language="fr")
    both = client.get("/").get_data(as_text=True)
    assert english.title in both and french.title in both
    assert '<span class="lang-chip" lang="fr" dir="ltr">Français</span>' in both  # differs from the page's
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert french.title in page and english.title not in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    assert 'href="/?sort=newest&amp;lang=fr"' in page
    for url in ("/products/thermostat?lang=fr", "/tags/schedule?lang=fr", "/questions?lang=fr&sort=top"):
        body = client.get(url).get_data(as_text=True)
        assert french.title in body and english.title not in body, url
    assert english.title in client.get("/products/thermostat?lang=en").get_data(as_text=True)


def test_an_unknown_list_language_is_a_clear_400(client):
    make_question()
    assert client.get("/tags/schedule?lang=%00").status_code == 400  # the input filter refuses NUL first
    for url in ("/?lang=xx", "/tags/schedule?lang=fr-FR", "/products/thermostat?lang=" + "f" * 500):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Unknown language" in response.get_data(as_text=True)


def test_api_reads_writes_and_filters_the_language(client):
    make_product()
    make_tags("schedule")
    user = make_user()
    payload = {"title": "Das Thermostat vergisst den Zeitplan", "body": "Nach dem Update sind alle Zeiten weg, jeden Tag.",
               "tags": ["schedule"], "product": "thermostat"}
    created = client.post("/api/v1/questions", headers=bearer(user), json={**payload, "language": "de"})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["language"] == "de"
    implicit = client.post("/api/v1/questions", headers={**bearer(user), "Accept-Language": "es"},
                           json={**payload, "title": "El termostato olvida el horario"})
    assert implicit.get_json()["language"] == "es"
    error = assert_error(client.post("/api/v1/questions", headers=bearer(user), json={**payload, "language": "xx"}), 422)
    assert "language" in error["fields"]
    qid = created.get_json()["id"]
    edited = client.patch(f"/api/v1/questions/{qid}", headers=bearer(user), json={"language": "en"})
    assert edited.status_code == 200 and edited.get_json()["language"] == "en"
    error = assert_error(client.patch(f"/api/v1/questions/{qid}", headers=bearer(user), json={"language": "EN-x"}), 422)
    assert "language" in error["fields"]
    listed = client.get("/api/v1/questions?lang=es").get_json()
    assert [item["title"] for item in listed["items"]] == ["El termostato olvida el horario"]
    assert listed["total"] == 1
    error = assert_error(client.get("/api/v1/questions?lang=klingon"), 422)
    assert "lang" in error["fields"]
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["schemas"]["QuestionIn"]["properties"]["language"]


def test_feeds_name_each_entrys_language(client):
    make_question(title="Le thermostat oublie son programme", language="fr")
    make_question(title="The thermostat forgets its schedule", language="en")
    atom = ET.fromstring(client.get("/feeds/questions.atom", headers={"Accept-Language": "de"}).data)  # noqa: S314 - our own feed
    assert atom.get(XML_LANG) == "de"  # the feed's own titles are in the reader's language
    assert [entry.get(XML_LANG) for entry in atom.iter(f"{ATOM}entry")] == ["en", "fr"]
    rss = ET.fromstring(client.get("/feeds/questions.rss").data)  # noqa: S314 - our own feed
    assert rss.find("channel/language").text == "en"
    languages = [item.find("{http://purl.org/dc/elements/1.1/}language").text for item in rss.iter("item")]
    assert languages == ["en", "fr"]
