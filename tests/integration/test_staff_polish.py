"""Staff tools in human words and one form style (issue 19)."""

from forum.extensions import db
from moderation import audit
from tests.conftest import login
from tests.factories import make_moderator, make_user


def test_the_audit_log_speaks_in_words_not_codes(client):
    mod = make_moderator()
    audit.log("article.publish", mod, target="article:4")
    db.session.commit()
    login(client, mod)
    page = client.get("/mod/audit").get_data(as_text=True)
    assert "published an answer as a knowledge article" in page
    assert "Knowledge article 4" in page
    assert "<code>article.publish</code>" not in page and "<code>article:4</code>" not in page
    assert ">article.publish<" not in page


def test_webhooks_form_has_a_proper_description_field_and_button(client):
    login(client, make_user(role="admin"))
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert '<div class="field">\n      <label for="webhook-description">' in page
    assert '<div class="form-actions"><button class="button button--primary" type="submit">Add endpoint' in page


def test_labels_for_unknown_actions_are_words():
    assert audit.label("widget.frobnicate") == "widget frobnicate"
    assert audit.target_label("user:7") == "Member 7"


def test_the_queue_shows_flags_before_first_posts_with_one_click_decisions(client):
    from sqlalchemy import select

    from forum.models import ReviewItem, ReviewKind
    from moderation import flags, queue
    from tests.factories import make_answer, make_question

    for n in range(3):
        queue.enqueue(ReviewKind.FIRST_POST, make_question(title=f"First post number {n} from a newcomer"),
                      author_id=make_user().id)
    db.session.commit()
    spam = make_answer(make_question(title="An older thread that gets a spam answer"))
    flags.flag("answer", spam.id, actor=make_user(reputation_points=20), reason="spam")
    db.session.commit()
    items = queue.open_items().items
    assert items[0].kind == ReviewKind.FLAGGED.value
    mod = make_moderator()
    login(client, mod)
    page = client.get("/mod/queue").get_data(as_text=True)
    assert page.index("Dismiss flags (post is fine)") < page.index("Approve (post is fine)")
    first_post = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FIRST_POST.value))
    r = client.post(f"/mod/queue/{first_post.id}", data={"outcome": "approved", "return_to": "queue"})
    assert r.headers["Location"].endswith("/mod/queue")
    db.session.expire_all()
    assert db.session.get(ReviewItem, first_post.id).handled_at is not None
