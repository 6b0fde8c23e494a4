"""Every member has a generated picture (an identicon) served by the app itself, no outside service."""

import re

from forum.avatars import identicon_svg
from tests.factories import make_answer, make_question, make_user


def test_each_member_has_a_stable_identicon_of_their_own(client):
    a, b = make_user(), make_user()
    first = client.get(f"/users/{a.id}/avatar.svg")
    assert first.status_code == 200 and first.mimetype == "image/svg+xml"
    assert "max-age=" in first.headers["Cache-Control"]
    assert first.get_data(as_text=True).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert first.get_data(as_text=True) == client.get(f"/users/{a.id}/avatar.svg").get_data(as_text=True)
    assert first.get_data(as_text=True) != client.get(f"/users/{b.id}/avatar.svg").get_data(as_text=True)


def test_identicons_are_mirrored_and_never_empty():
    for member_id in range(1, 200):
        svg = identicon_svg(member_id)
        cells = {(int(x), int(y)) for x, y in re.findall(r'<rect x="(\d+)" y="(\d+)" width="8"', svg)}
        assert cells
        assert {(40 - x, y) for x, y in cells} == cells  # 5 cells of 8 px inside a 4 px margin


def test_pages_show_the_identicons_from_this_site(client):
    q = make_question()
    answer = make_answer(q)
    thread = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    sources = re.findall(r'<img class="avatar[^"]*" src="([^"]+)"', thread)
    assert f"/users/{q.author_id}/avatar.svg" in sources and f"/users/{answer.author_id}/avatar.svg" in sources
    assert all(src.startswith("/") and not src.startswith("//") for src in sources)
    profile = client.get(f"/users/{q.author_id}", follow_redirects=True).get_data(as_text=True)
    assert f'src="/users/{q.author_id}/avatar.svg"' in profile
