"""API routes for a product's response targets (admins read and change them)."""

from flask import jsonify

from forum.policy import Permission, require
from forum.services import queries
from forum.services.care import targets
from forum.transaction import unit_of_work
from forum.views.api import actor, body, bp


def _json(product) -> dict:
    return {"product": product.slug, **targets.current_settings(product)}


@bp.get("/products/<slug>/care")
def product_care(slug: str):
    require(actor(), Permission.PRODUCT_CARE_MANAGE)
    return jsonify(_json(queries.get_product(slug)))


@bp.route("/products/<slug>/care", methods=["PUT", "PATCH"])
def update_product_care(slug: str):
    """PATCH and PUT alike: the keys sent change, the others keep their value."""
    data, me = body(), actor()
    product = queries.get_product(slug)
    with unit_of_work():
        targets.save(product, data, actor=me)
        result = _json(product)
    return jsonify(result)
