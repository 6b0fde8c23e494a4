"""The ask form: no product is assumed, a preview that posts nothing, popular tags to pick from,
and the limits the live counts enforce, all working without JavaScript."""

import re

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Question
from tests.conftest import login
from tests.factories import make_product, make_question, make_tags, make_user

ASK = {"title": "Display flickers every evening around eight", "tags": "display",
       "body": "The display flickers **every evening** around eight o'clock, then settles."}


def test_no_product_is_chosen_for_the_asker(client):
    make_product("thermostat", "Northwind Thermostat")
    make_product("energy-app", "Northwind Energy App")
    login(client, make_user())
    page = client.get("/questions/ask").get_data(as_text=True)
    select_html = page[page.index('id="product" name="product"'):page.index("</select>")]
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select_html)
    assert options[0] == (' value=""', "Choose a product…")
    assert "selected" not in "".join(attrs for attrs, _ in options)
    r = client.post("/questions/ask", data={**ASK, "product": ""})
    assert r.status_code == 422 and "Please choose one of the products." in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 0
    preselected = client.get("/questions/ask?product=energy-app").get_data(as_text=True)
    assert re.search(r'<option selected value="energy-app">|<option value="energy-app" selected>', preselected)


def test_preview_renders_the_question_and_posts_nothing(client):
    make_product()
    make_tags("display")
    login(client, make_user())
    r = client.post("/questions/ask", data={**ASK, "product": "thermostat", "action": "preview"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    preview = page[page.index('id="ask-preview"'):]
    assert "<strong>every evening</strong>" in preview and ASK["title"] in preview
    assert f'value="{ASK["title"]}"' in page and "**every evening**" in page  # the draft is kept as typed
    assert db.session.scalar(select(func.count(Question.id))) == 0
    posted = client.post("/questions/ask", data={**ASK, "product": "thermostat"})
    assert posted.status_code == 302 and db.session.scalar(select(func.count(Question.id))) == 1


def test_enter_still_posts_because_the_default_button_comes_first(client):
    make_product()
    login(client, make_user())
    page = client.get("/questions/ask").get_data(as_text=True)
    form = page[page.index('<form class="stack-form card"'):]
    buttons = re.findall(r'<button type="submit"[^>]*>([^<]*)<', form)
    assert buttons[0] == "Post your question" and "Preview" in buttons


def test_popular_tags_and_the_limits_are_on_the_page(client):
    for n in range(3):
        make_question(tags=["wifi", "setup"] if n else ["wifi"])
    login(client, make_user())
    page = client.get("/questions/ask").get_data(as_text=True)
    suggestions = page[page.index('id="tag-suggestions"'):]
    assert re.findall(r'data-tag="([^"]+)"', suggestions)[:2] == ["wifi", "setup"]
    assert re.search(r'id="title"[^>]*data-count-min="15"|data-count-min="15"[^>]*id="title"', page)
    assert 'maxlength="150"' in page and 'maxlength="30000"' in page
    assert "js/ask_form.js" in page
