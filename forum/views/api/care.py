"""API routes for a product's response targets (admins read and change them)."""

from functools import partial

from forum.policy import Permission, require
from forum.services import queries
from forum.services.care import targets
from forum.transaction import unit_of_work
from forum.views.api import actor, bp
from forum.views.api import schemas as s
from forum.views.api.operations import operation

api = partial(operation, bp)


def _json(product) -> dict:
    return {"product": product.slug, **targets.current_settings(product)}


@api("GET", "/products/<slug>/care", summary="Admins: a product's response targets", tag="care",
     response=s.CareOut, permission=Permission.PRODUCT_CARE_MANAGE)
def product_care(slug: str):
    require(actor(), Permission.PRODUCT_CARE_MANAGE)
    return _json(queries.get_product(slug))


def _save(slug: str, data: s.CareIn) -> dict:
    me = actor()
    product = queries.get_product(slug)
    with unit_of_work():
        targets.save(product, data.model_dump(exclude_unset=True), actor=me)
        return _json(product)


@api("PATCH", "/products/<slug>/care", summary="Admins: change response targets (the keys sent)", tag="care",
     body=s.CareIn, response=s.CareOut, permission=Permission.PRODUCT_CARE_MANAGE)
def update_product_care(slug: str, data: s.CareIn):
    return _save(slug, data)


@api("PUT", "/products/<slug>/care", summary="Admins: change response targets (as PATCH)", tag="care",
     body=s.CareIn, response=s.CareOut, permission=Permission.PRODUCT_CARE_MANAGE)
def replace_product_care(slug: str, data: s.CareIn):
    return _save(slug, data)
