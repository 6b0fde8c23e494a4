"""Products as the site admin keeps them: create, rename, describe, archive."""

import re

from flask_babel import gettext as _

from forum.extensions import db
from forum.models import Product, utcnow
from forum.policy import Permission, require
from forum.services.errors import NotFound, ValidationFailed

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _checked(name: str, description: str) -> tuple[str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    errors = {}
    if not 2 <= len(name) <= 120:
        errors["name"] = _("A product name is 2–120 characters.")
    if len(description) > 500:
        errors["description"] = _("The description is at most 500 characters.")
    if errors:
        raise ValidationFailed(_("Please correct the product."), fields=errors)
    return name, description


def create_product(actor, *, name: str, slug: str, description: str = "") -> Product:
    require(actor, Permission.ADMIN_SETTINGS)
    name, description = _checked(name, description)
    slug = (slug or "").strip().lower()
    if not (SLUG.match(slug) and len(slug) <= 60):
        raise ValidationFailed(_("Please correct the product."), fields={
            "slug": _("The address part is lowercase letters, digits and single hyphens, e.g. “smart-plug”.")})
    if db.session.scalar(db.select(Product.id).where(Product.slug == slug)) is not None:
        raise ValidationFailed(_("Please correct the product."),
                               fields={"slug": f"“{slug}” is taken by another product."})
    product = Product(slug=slug, name=name, description=description)
    db.session.add(product)
    db.session.flush()
    _audit("product.create", actor, product, after={"name": name, "slug": slug, "description": description})
    return product


def _audit(action: str, actor, product: Product, **changes) -> None:
    from moderation import audit

    audit.log(action, actor, target=f"product:{product.id}", **changes)


def _get(slug: str) -> Product:
    product = db.session.scalar(db.select(Product).where(Product.slug == slug))
    if product is None:
        raise NotFound(_("No such product."))
    return product


def update_product(actor, slug: str, *, name: str, description: str) -> Product:
    """Rename or re-describe a product; its address (slug) stays, so links keep working."""
    require(actor, Permission.ADMIN_SETTINGS)
    product = _get(slug)
    before = {"name": product.name, "description": product.description}
    product.name, product.description = _checked(name, description)
    db.session.flush()
    after = {"name": product.name, "description": product.description}
    if after != before:
        _audit("product.update", actor, product, before=before, after=after)
    return product


def set_archived(actor, slug: str, archived: bool) -> Product:
    """Archive a product (no new questions, gone from the lists; its questions stay) or bring it back."""
    require(actor, Permission.ADMIN_SETTINGS)
    product = _get(slug)
    if product.is_archived == archived:
        return product
    product.archived_at = utcnow() if archived else None
    db.session.flush()
    _audit("product.archive" if archived else "product.unarchive", actor, product)
    return product
