"""Asking, editing and deleting questions."""

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import DEFAULT_LANGUAGE, Activity, Answer, Language, Product, Question, Tag, User, utcnow
from forum.parse import parse_id
from forum.policy import Permission, require, visibility
from forum.services import badges, ledger, posts, settings
from forum.services.errors import ValidationFailed
from forum.services.events import Event, emit


def _product(ref: str | int | None, errors: dict[str, str]) -> Product | None:
    product = None
    if parse_id(ref) is not None:
        product = db.session.get(Product, parse_id(ref))
    elif isinstance(ref, str) and ref:
        product = db.session.scalar(select(Product).where(Product.slug == ref))
    if product is None:
        errors["product"] = _("Please choose one of the products.")
    elif product.is_archived:
        errors["product"] = _("%(product)s is archived and takes no new questions: please choose another product.",
                              product=product.name)
    return product


def _tag_rows(names: list[str]) -> list[Tag]:
    """The rows for these names, created as needed, sorted as the relationship loads them (by name)."""
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    rows = []
    for name in sorted(names):
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        rows.append(tag)
    return rows


def ask(author: User, *, title: str, body: str, tags: str | list[str], product: str | int,
        language: str | None = None) -> Question:
    """Post a question with its first revision.

    Raises ValidationFailed with a message per bad field (title 15–150 chars, body 30–30,000,
    1–5 tags, an existing product, a shipped language). The language defaults to the site's
    default interface language; the ask form and the API pass the asker's.
    """
    require(author, Permission.QUESTION_ASK)
    errors: dict[str, str] = {}
    title = posts.check_title(title, errors)
    body = posts.check_body(body, errors)
    tag_names = posts.check_tags(author, tags, errors)
    product_row = _product(product, errors)
    code = posts.check_language(language or site_language(), errors)
    posts.raise_if(errors)
    posts.check_content(author, "question", f"{title}\n\n{body}", new=True)
    question = Question(title=title, body_md=body, body_html=posts.rendered(body), author_id=author.id,
                        product_id=product_row.id, tags=_tag_rows(tag_names), language=code,
                        last_activity_kind=Activity.ASKED.value, last_activity_by_id=author.id)
    db.session.add(question)
    db.session.flush()
    posts.add_revision(author=author, question=question, title=title, tags=tag_names, body_md=body)
    badges.on_question_asked(question)
    emit(Event.QUESTION_ASKED, question_id=question.id, actor_id=author.id)
    db.session.flush()
    return question


def site_language() -> str:
    """The site's default interface language: what a question is written in when nobody says."""
    return (Language.of(settings.default_locale()) or DEFAULT_LANGUAGE).value


def edit_question(question_id: int, actor: User, *, title: str | None = None, body: str | None = None,
                  tags: str | list[str] | None = None, language: str | None = None, comment: str = "",
                  permission: Permission = Permission.POST_EDIT) -> Question:
    """Change a question and keep the new text as a revision; unchanged input does nothing.

    `permission` is what entitles `actor`: editing, or approving a suggested edit (REVIEW).
    A change of language alone re-indexes the thread but adds no revision (the text is the same).
    """
    question = posts.get_question(question_id, viewer=actor)
    require(actor, permission, question)
    errors: dict[str, str] = {}
    new_title = posts.check_title(question.title if title is None else title, errors)
    new_body = posts.check_body(question.body_md if body is None else body, errors)
    new_tags = posts.check_tags(actor, [t.name for t in question.tags] if tags is None else tags, errors)
    new_language = posts.check_language(question.language if language is None else language, errors)
    posts.raise_if(errors)
    text_changed = (new_title, new_body, new_tags) != (question.title, question.body_md,
                                                       [t.name for t in question.tags])
    if not text_changed and new_language == question.language:
        return question
    if text_changed:
        posts.check_content(actor, "question", f"{new_title}\n\n{new_body}", new=False)
        question.title, question.body_md, question.body_html = new_title, new_body, posts.rendered(new_body)
        question.tags = _tag_rows(new_tags)
    question.language = new_language
    question.edited_at = utcnow()
    posts.touch(question, Activity.MODIFIED, actor)
    if text_changed:
        posts.add_revision(author=actor, question=question, title=new_title, tags=new_tags, body_md=new_body,
                           comment=comment)
    emit(Event.QUESTION_EDITED, question_id=question.id, actor_id=actor.id)
    db.session.flush()
    return question


def delete_question(question_id: int, actor: User) -> None:
    """Soft-delete a question; what its votes and accepted answer earned is reversed.

    Authors can't delete a question others invested in (an accepted or upvoted answer);
    moderators can.
    """
    question = posts.get_question(question_id, viewer=actor)
    require(actor, Permission.POST_DELETE, question)
    if question.is_deleted:
        return
    answers = list(db.session.scalars(select(Answer).where(Answer.question_id == question.id,
                                                           visibility.live(Answer))))
    if question.accepted_answer_id is not None or any(a.score > 0 for a in answers):
        require(actor, Permission.POST_DELETE_INVESTED, question)
    question.deleted_at, question.deleted_by_id = utcnow(), actor.id
    touched = posts.withdraw_reputation(question, answers)
    ledger.refresh_cache(touched)
    emit(Event.QUESTION_DELETED, question_id=question.id, actor_id=actor.id)
    db.session.flush()


def undelete_question(question_id: int, actor: User) -> None:
    """Restore a deleted question (moderators) and grant its reputation again."""
    question = posts.get_question(question_id, viewer=actor)
    require(actor, Permission.POST_UNDELETE)
    if not question.is_deleted:
        raise ValidationFailed(_("That question is not deleted."))
    question.deleted_at = question.deleted_by_id = None
    answers = list(db.session.scalars(select(Answer).where(Answer.question_id == question.id,
                                                           visibility.live(Answer))))
    db.session.flush()
    touched = posts.restore_reputation(question, answers)
    ledger.refresh_cache(touched)
    emit(Event.QUESTION_UNDELETED, question_id=question.id, actor_id=actor.id)
    db.session.flush()
