"""Tags as the site admin keeps them.

Members below the "create tags" privilege choose from the existing tags (`posts.check_tags`), so
the set of tags is curated here: created up front, described, renamed and merged.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import Tag
from forum.policy import Permission, require
from forum.services import posts
from forum.services.errors import ValidationFailed

DESCRIPTION_MAX = 500


def _name(raw: str) -> str:
    errors: dict[str, str] = {}
    names = posts.parse_tags([raw or ""], errors)
    if errors or len(names) != 1:
        raise ValidationFailed(_("Please correct the tag."), fields={
            "name": _("A tag is one word: lowercase letters, digits and + # . - (at most 35).")})
    return names[0]


def _description(raw: str) -> str:
    description = (raw or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(_("Please correct the tag."),
                               fields={"description": f"The description is at most {DESCRIPTION_MAX} characters."})
    return description


def create_tag(actor, name: str, description: str = "") -> Tag:
    """Add a tag members can then choose; raises ValidationFailed for a bad or taken name."""
    from moderation import audit

    require(actor, Permission.ADMIN_SETTINGS)
    name, description = _name(name), _description(description)
    if db.session.scalar(select(Tag.id).where(Tag.name == name)) is not None:
        raise ValidationFailed(_("Please correct the tag."), fields={"name": f"“{name}” already exists."})
    tag = Tag(name=name, description=description)
    db.session.add(tag)
    db.session.flush()
    audit.log("tag.create", actor, target=f"tag:{tag.id}", after={"name": name, "description": description})
    return tag
