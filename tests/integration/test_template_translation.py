"""Marked template strings: a sentence with a placeholder stays escaped, whatever the language.

`_()` and `{% trans %}` mark the translated text itself as safe HTML (a translator may need markup
around a link); the values put into its placeholders are visitors' and members' text and must
still be escaped. The same template is checked in English (the source) and in a shipped locale.
"""

import pytest

from tests.conftest import login
from tests.factories import make_answer, make_question, make_user

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_search_query_in_translated_sentences_is_escaped(client, language):
    page = client.get("/search", query_string={"q": HOSTILE}, headers={"Accept-Language": language})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert" not in html
    # "Search: %(query)s" in the title and "No results for “%(text)s”." in the page
    assert html.count(ESCAPED) >= 2


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_question_title_in_a_translated_sentence_with_a_link_is_escaped(client, language):
    author = make_user()
    question = make_question(title=f"Thermostat {HOSTILE} keeps resetting")
    answer = make_answer(question, author)
    login(client, author)
    client.set_cookie("lang", language)
    html = client.get(f"/answers/{answer.id}/edit").get_data(as_text=True)
    assert "<script>alert" not in html
    # "Edit answer: %(title)s" in the title and the trans block "To the question <a …>%(title)s</a>"
    assert html.count(ESCAPED) >= 2
    assert f'<a href="/questions/{question.id}/' in html


def test_plural_forms_follow_the_count(client):
    question = make_question()
    html = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert "0 Answers" in html
    make_answer(question)
    html = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert "1 Answer<" in html
