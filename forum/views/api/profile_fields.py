"""API routes for customer profile field definitions (admins change them; anyone may read them)."""

from functools import partial

from forum.services import profile_fields, queries
from forum.transaction import unit_of_work
from forum.views.api import actor, bp
from forum.views.api import schemas as s
from forum.views.api.operations import operation

api = partial(operation, bp)
DEFINITION_KEYS = ("label", "kind", "choices", "required", "staff_only", "help_text", "claim")


def field_json(field) -> dict:
    return {"id": field.id, "key": field.key, "label": field.label, "kind": field.kind, "choices": field.choices,
            "required": field.required, "staff_only": field.staff_only, "help_text": field.help_text,
            "claim": field.claim, "retired": field.is_retired, "product": field.product.slug}


def _definition(data: s.FieldIn) -> dict:
    return data.model_dump(include=set(DEFINITION_KEYS), exclude_unset=True)


@api("GET", "/products/<slug>/fields", summary="A product's customer profile fields (definitions, never answers)",
     tag="profile fields", token=False, response=s.ProfileFieldList)
def product_fields(slug: str):
    product = queries.get_product(slug)
    items = [field_json(f) for f in profile_fields.fields_for(product.id)]
    return {"items": items, "page": 1, "per_page": len(items), "total": len(items)}


@api("POST", "/products/<slug>/fields", summary="Admins: add a customer profile field", tag="profile fields",
     body=s.FieldIn, response=s.ProfileField, status=201, errors=(409,))
def define_field(slug: str, data: s.FieldIn):
    me = actor()
    product = queries.get_product(slug)
    with unit_of_work():
        field = profile_fields.define_field(product, _definition(data), actor=me)
        return field_json(field)


@api("PATCH", "/profile-fields/<int:field_id>", summary="Admins: rename, change, retire or restore a field",
     tag="profile fields", body=s.FieldPatch, response=s.ProfileField, errors=(409,))
def update_field(field_id: int, data: s.FieldPatch):
    me = actor()
    with unit_of_work():
        definition = _definition(data)
        field = profile_fields.update_field(field_id, definition, actor=me) if definition else None
        if data.retired is not None:
            field = profile_fields.set_retired(field_id, data.retired, actor=me)
        return field_json(field or profile_fields.get_field(field_id))
