"""forum/urls.py is the one home of the addresses of things: the forms agree, and nobody else builds them."""

import re
from pathlib import Path
from types import SimpleNamespace

from forum import urls

ROOT = Path(__file__).resolve().parents[2]
# The endpoints of "things": only forum/urls.py names them when building a link.
THING_ENDPOINTS = ("questions.show", "users.profile", "knowledge.show", "cases.show", "browse.tag", "browse.product")
_ENDPOINTS = "|".join(map(re.escape, THING_ENDPOINTS))
BUILT_BY_HAND = re.compile(r"""(url_for|link|build)\(\s*['"](""" + _ENDPOINTS + r""")['"]""")


def test_the_three_forms_of_a_thread_address(app):
    question = SimpleNamespace(id=7, title="Reset the Schedule?")
    answer = SimpleNamespace(id=12, question_id=7, question=question)
    app.config["SITE_URL"] = "https://community.example/forum"
    try:
        with app.test_request_context(base_url="http://web.internal"):
            assert urls.question_url(question) == "/questions/7/reset-the-schedule"
            assert urls.answer_url(answer) == "/questions/7/reset-the-schedule#answer-12"
            # The Host header is the client's to choose: absolute links come from SITE_URL.
            assert (urls.answer_url(answer, link=urls.absolute)
                    == "https://community.example/forum/questions/7/reset-the-schedule#answer-12")
            assert urls.site_address("/api/v1/me") == "https://community.example/forum/api/v1/me"
        app.config["SITE_URL"] = ""
        with app.test_request_context(base_url="http://web.internal"):  # no SITE_URL: the request's own host
            assert urls.answer_url(answer, link=urls.absolute) == "http://web.internal/questions/7/reset-the-schedule#answer-12"
            assert urls.site_root() == "http://web.internal/"
        app.config["SITE_URL"] = "https://community.example/forum"
        with app.app_context():  # no request: mail and digests are built by workers
            assert (urls.question_url(question, urls.comment_anchor(3), link=urls.site_links())
                    == "https://community.example/forum/questions/7/reset-the-schedule#comment-3")
    finally:
        app.config["SITE_URL"] = "http://localhost"


def test_members_tags_products_articles_cases(app):
    with app.test_request_context():
        assert urls.member_url(SimpleNamespace(id=3, username="Maria K"), tab="answers") == "/users/3/maria-k?tab=answers"
        assert urls.tag_url("wifi") == urls.tag_url(SimpleNamespace(name="wifi"))
        assert urls.product_url("thermostat") == urls.product_url(SimpleNamespace(slug="thermostat"))
        assert urls.article_url(SimpleNamespace(id=4, title="Pairing")) == urls.article_page_url(4, "Pairing")
        assert urls.case_url(SimpleNamespace(reference="C-1")).endswith("/C-1")


def test_nobody_else_builds_the_address_of_a_thing():
    offenders = []
    for path in [*ROOT.joinpath("forum").rglob("*.py"), *ROOT.joinpath("moderation").rglob("*.py"),
                 *ROOT.joinpath("forum", "templates").rglob("*.html")]:
        if path == ROOT / "forum" / "urls.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if BUILT_BY_HAND.search(line) or "'answer-%d'" in line or 'f"answer-{' in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def _sample_values(rule, number: int, word: str) -> dict:
    from werkzeug.routing.converters import AnyConverter, NumberConverter

    def value(converter):
        if isinstance(converter, NumberConverter):
            return number
        if isinstance(converter, AnyConverter):  # only its own words: the first or the last
            return sorted(converter.items)[number % 2 - 1]
        return word

    return {name: value(converter) for name, converter in rule._converters.items()}


def test_a_remembered_address_shape_gives_what_url_for_gives_for_every_route(app):
    """path_for builds each kind of address once through url_for, then from its pieces: for every
    route of the app, under a script root too, the pieces give url_for's own answer."""
    from flask import url_for

    for script_root in ("", "/forum"):
        with app.test_request_context(base_url=f"http://web.internal{script_root}"):
            checked = 0
            for rule in app.url_map.iter_rules():
                if rule.defaults:
                    continue
                for number, word in ((12, "reset-the-schedule"), (3456, "a_b.c"), (7, "x")):
                    values = _sample_values(rule, number, word)
                    assert urls.path_for(rule.endpoint, **values) == url_for(rule.endpoint, **values), rule
                    with_query = {**values, "page": number, "tab": word}
                    assert (urls.path_for(rule.endpoint, **with_query)
                            == url_for(rule.endpoint, **with_query)), rule
                    checked += 1
            assert checked > 300
            assert url_for("questions.show", question_id=7, slug="q").startswith(f"{script_root}/questions/")


def test_values_quoting_would_change_and_url_for_options_go_to_url_for(app):
    from flask import url_for

    with app.test_request_context():
        for values in ({"name": "wi fi"}, {"name": "wifi/5ghz"}, {"name": "wifi", "_anchor": "top"},
                       {"name": "wifi", "page": True}, {"name": "ünïcode"}):
            assert urls.path_for("browse.tag", **values) == url_for("browse.tag", **values)
        assert urls.template_url_for("browse.tag", name="wifi", _anchor="top") == "/tags/wifi#top"
        assert urls.path_for("questions.show", question_id="12", slug="x") == "/questions/12/x"
