"""Tags as the site admin keeps them: create, describe, rename, merge, and synonyms.

Members below the "create tags" privilege choose from the existing tags (`posts.check_tags`), so
the set of tags is curated here. A synonym is a tag row pointing at its master: it carries no
questions, and a synonym's name stands for its master when asking, in URLs and in search. Merging
and renaming keep the old name as a synonym, so old links and habits keep working.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from forum.extensions import db
from forum.models import Follow, Tag, question_tags
from forum.models.knowledge import article_tags
from forum.policy import Permission, require
from forum.search.indexing import defer_refresh
from forum.search.sources import articles, threads
from forum.services import posts
from forum.services.errors import NotFound, ValidationFailed

DESCRIPTION_MAX = 500


def _name(raw: str, field: str = "name") -> str:
    errors: dict[str, str] = {}
    names = posts.parse_tags([raw or ""], errors)
    if errors or len(names) != 1:
        raise ValidationFailed(_("Please correct the tag."), fields={
            field: _("A tag is one word: lowercase letters, digits and + # . - (at most 35).")})
    return names[0]


def _description(raw: str) -> str:
    description = (raw or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(_("Please correct the tag."),
                               fields={"description": f"The description is at most {DESCRIPTION_MAX} characters."})
    return description


def _by_name(name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.name == name))


def get_master(name: str) -> Tag:
    """The tag (not a synonym) with this name; NotFound otherwise."""
    tag = _by_name(name)
    if tag is None or tag.synonym_of_id is not None:
        raise NotFound(_("No such tag."))
    return tag


def _taken(name: str, field: str) -> None:
    existing = _by_name(name)
    if existing is not None:
        what = "a synonym of another tag" if existing.synonym_of_id is not None else "an existing tag"
        raise ValidationFailed(_("Please correct the tag."), fields={field: f"“{name}” is {what}."})


def _audit(action: str, actor, tag: Tag, **changes) -> None:
    from moderation import audit

    audit.log(action, actor, target=f"tag:{tag.id}", **changes)


def create_tag(actor, name: str, description: str = "") -> Tag:
    """Add a tag members can then choose; raises ValidationFailed for a bad or taken name."""
    require(actor, Permission.ADMIN_SETTINGS)
    name, description = _name(name), _description(description)
    _taken(name, "name")
    tag = Tag(name=name, description=description)
    db.session.add(tag)
    db.session.flush()
    _audit("tag.create", actor, tag, after={"name": name, "description": description})
    return tag


def describe_tag(actor, name: str, description: str) -> Tag:
    require(actor, Permission.ADMIN_SETTINGS)
    tag = get_master(name)
    before, tag.description = tag.description, _description(description)
    db.session.flush()
    if before != tag.description:
        _audit("tag.describe", actor, tag, before={"description": before}, after={"description": tag.description})
    return tag


def _tagged_questions(tag_id: int) -> list[int]:
    return list(db.session.scalars(select(question_tags.c.question_id).where(question_tags.c.tag_id == tag_id)))


def _tagged_articles(tag_id: int) -> list[int]:
    return list(db.session.scalars(select(article_tags.c.article_id).where(article_tags.c.tag_id == tag_id)))


def _reindex(question_ids: list[int], article_ids: list[int]) -> None:
    for question_id in question_ids:
        defer_refresh(threads.name, question_id)
    for article_id in article_ids:
        defer_refresh(articles.name, article_id)


def rename_tag(actor, name: str, new_name: str) -> Tag:
    """Give a tag a new name; the old name becomes its synonym, so links to it still arrive.

    A new name that is already a tag is refused: that is a merge.
    """
    require(actor, Permission.ADMIN_SETTINGS)
    tag = get_master(name)
    new_name = _name(new_name, "new_name")
    if new_name == tag.name:
        return tag
    _taken(new_name, "new_name")
    old_name, tag.name = tag.name, new_name
    db.session.flush()
    db.session.add(Tag(name=old_name, synonym_of_id=tag.id))
    db.session.flush()
    _reindex(_tagged_questions(tag.id), _tagged_articles(tag.id))
    _audit("tag.rename", actor, tag, before={"name": old_name}, after={"name": new_name})
    return tag


def _move_links(table, owner_column: str, source_id: int, target_id: int) -> None:
    """Point every `source` link at `target`, dropping those whose owner already has `target`."""
    owner = table.c[owner_column]
    already = select(owner).where(table.c.tag_id == target_id)
    db.session.execute(insert(table).from_select(
        [owner_column, "tag_id"],
        select(owner, func.cast(target_id, table.c.tag_id.type)).where(table.c.tag_id == source_id,
                                                                     owner.not_in(already))))
    db.session.execute(delete(table).where(table.c.tag_id == source_id))


def merge_tag(actor, name: str, into: str) -> Tag:
    """Move every question, article and follower of tag `name` to `into`; `name` becomes its synonym.

    A question that had both keeps one (counts stay right); the merged tag's own synonyms
    follow it to `into`. Raises ValidationFailed for merging a tag into itself or into a synonym.
    """
    require(actor, Permission.ADMIN_SETTINGS)
    source = get_master(name)
    target_name = _name(into, "into")
    target = _by_name(target_name)
    if target is None or target.synonym_of_id is not None:
        raise ValidationFailed(_("Please correct the tag."),
                               fields={"into": f"“{target_name}” is not a tag: merge into an existing tag."})
    if target.id == source.id:
        raise ValidationFailed(_("Please correct the tag."), fields={"into": _("Choose another tag to merge into.")})
    question_ids, article_ids = _tagged_questions(source.id), _tagged_articles(source.id)
    _move_links(question_tags, "question_id", source.id, target.id)
    _move_links(article_tags, "article_id", source.id, target.id)
    followed = select(Follow.user_id).where(Follow.tag_id == target.id)
    db.session.execute(delete(Follow).where(Follow.tag_id == source.id, Follow.user_id.in_(followed)))
    db.session.execute(update(Follow).where(Follow.tag_id == source.id).values(tag_id=target.id))
    db.session.execute(update(Tag).where(Tag.synonym_of_id == source.id).values(synonym_of_id=target.id))
    source.synonym_of_id = target.id
    db.session.flush()
    db.session.expire_all()
    _reindex(question_ids, article_ids)
    _audit("tag.merge", actor, source, before={"name": source.name, "questions": len(question_ids)},
           after={"into": target.name})
    return target


def add_synonym(actor, name: str, synonym: str) -> Tag:
    """Make `synonym` stand for tag `name` (returned); a name that is already a tag is a merge instead."""
    require(actor, Permission.ADMIN_SETTINGS)
    tag = get_master(name)
    synonym = _name(synonym, "synonym")
    existing = _by_name(synonym)
    if existing is not None:
        if existing.synonym_of_id == tag.id or existing.id == tag.id:
            raise ValidationFailed(_("Please correct the tag."),
                                   fields={"synonym": f"“{synonym}” already stands for “{tag.name}”."})
        if existing.synonym_of_id is not None:
            _taken(synonym, "synonym")
        raise ValidationFailed(_("Please correct the tag."), fields={
            "synonym": f"“{synonym}” is a tag of its own: merge it into “{tag.name}” to make it a synonym."})
    row = Tag(name=synonym, synonym_of_id=tag.id)
    db.session.add(row)
    db.session.flush()
    _audit("tag.synonym_add", actor, tag, after={"synonym": synonym})
    return tag


def remove_synonym(actor, name: str, synonym: str) -> None:
    """Stop `synonym` standing for `name` (it carries nothing: its name is free again)."""
    require(actor, Permission.ADMIN_SETTINGS)
    tag = get_master(name)
    row = _by_name((synonym or "").strip().lower())
    if row is None or row.synonym_of_id != tag.id:
        raise NotFound(_("No such synonym."))
    db.session.delete(row)
    db.session.flush()
    _audit("tag.synonym_remove", actor, tag, before={"synonym": row.name})


def synonyms_of(tag_ids: list[int]) -> dict[int, list[str]]:
    """Each master tag's synonyms by name (one query)."""
    result: dict[int, list[str]] = {}
    if tag_ids:
        for master_id, name in db.session.execute(select(Tag.synonym_of_id, Tag.name)
                                                  .where(Tag.synonym_of_id.in_(tag_ids)).order_by(Tag.name)):
            result.setdefault(master_id, []).append(name)
    return result
