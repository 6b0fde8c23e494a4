"""API routes for customer profile field definitions (admins change them; anyone may read them)."""

from flask import jsonify

from forum.services import profile_fields, queries
from forum.services.errors import ValidationFailed
from forum.transaction import transactional, unit_of_work
from forum.views.api import actor, body, bp

DEFINITION_KEYS = ("label", "kind", "choices", "required", "staff_only", "help_text", "claim")


def field_json(field) -> dict:
    return {"id": field.id, "key": field.key, "label": field.label, "kind": field.kind, "choices": field.choices,
            "required": field.required, "staff_only": field.staff_only, "help_text": field.help_text,
            "claim": field.claim, "retired": field.is_retired, "product": field.product.slug}


def _definition(data: dict) -> dict:
    unknown = sorted(set(data) - set(DEFINITION_KEYS) - {"retired"})
    if unknown:
        raise ValidationFailed("Unknown properties.", fields=dict.fromkeys(unknown, "Not a field property."))
    return {k: v for k, v in data.items() if k in DEFINITION_KEYS}


@bp.get("/products/<slug>/fields")
def product_fields(slug: str):
    product = queries.get_product(slug)
    items = [field_json(f) for f in profile_fields.fields_for(product.id)]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@bp.post("/products/<slug>/fields")
@transactional
def define_field(slug: str):
    data, me = body(), actor()
    product = queries.get_product(slug)
    with unit_of_work():
        field = profile_fields.define_field(product, _definition(data), actor=me)
        result = field_json(field)
    return jsonify(result), 201


@bp.patch("/profile-fields/<int:field_id>")
@transactional
def update_field(field_id: int):
    data, me = body(), actor()
    retired = data.get("retired")
    if retired is not None and not isinstance(retired, bool):
        raise ValidationFailed("“retired” must be true or false.", fields={"retired": "true or false."})
    with unit_of_work():
        definition = _definition(data)
        field = profile_fields.update_field(field_id, definition, actor=me) if definition else None
        if retired is not None:
            field = profile_fields.set_retired(field_id, retired, actor=me)
        result = field_json(field or profile_fields.get_field(field_id))
    return jsonify(result)
