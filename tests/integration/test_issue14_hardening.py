"""Issue 14's findings, one regression test (or a few) each: see the test names."""


from forum.services import tokens
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user


def test_finding1_edits_are_rate_limited_like_posting(client, rate_limits):
    author = make_user(reputation_points=50)
    question = make_question(author=author)
    answer = make_answer(question, author=author)
    login(client, author)
    codes = [client.post(f"/questions/{question.id}/edit",
                         data={"title": f"Edited title number {n} of the question", "tags": "wifi",
                               "body": f"An edited body, round {n}, long enough to pass."}).status_code
             for n in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429
    rate_limits.reset()
    headers = {"Authorization": f"Bearer {tokens.create_token(author, 'edits')}"}
    codes = [client.patch(f"/api/v1/answers/{answer.id}", headers=headers,
                          json={"body": f"An edited answer, round {n}, long enough."}).status_code for n in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert client.get(f"/questions/{question.id}/edit").status_code == 200
