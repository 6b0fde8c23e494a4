"""Customer profile fields: what a product's support needs to know, asked once (serial, plan…).

Admins define fields per product: text, number, single choice or date; required or optional;
staff-only or public; a help text; optionally the ID token claim that prefills it. A field
is renamed (its `key` stays), reordered and retired, never deleted, so the values members
gave are kept.

The ask form for a product asks its active fields, prefilled from the member's saved value,
else from the mapped claim of their last single sign-on. The answers are saved on the member
(offered next time, editable in Settings → Customer details) and copied onto the question as
asked. Public answers show on the question; staff-only ones only to the support team: on
the case page, in the moderator's member page and in case webhooks. Nothing here is indexed,
fed, digested or serialized by the public API; `forum.services.sso` and this module register
the export of these values and their erasure with the account.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from forum.extensions import db
from forum.models import FieldKind, Product, ProfileField, ProfileValue, Question, QuestionFieldValue, User, utcnow
from forum.policy import Permission, require
from forum.services import posts, questions, sso
from forum.services.errors import NotFound, ValidationFailed
from forum.services.events import Event, subscribe
from forum.services.privacy import export_section

MAX_VALUE = 200
MAX_CHOICES = 30
MAX_FIELDS_PER_PRODUCT = 30
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- definitions --------------------------------------------------------------------------------

def fields_for(product_id: int, *, include_retired: bool = False) -> list[ProfileField]:
    """The product's fields in their order (active ones first when retired ones are included)."""
    query = select(ProfileField).where(ProfileField.product_id == product_id)
    if not include_retired:
        query = query.where(ProfileField.retired_at.is_(None))
    rows = list(db.session.scalars(query.order_by(ProfileField.position, ProfileField.id)))
    return sorted(rows, key=lambda f: f.is_retired)


def active_fields_by_product() -> dict[int, list[ProfileField]]:
    """Every product's active fields (one query), for the ask form."""
    grouped: dict[int, list[ProfileField]] = {}
    for field in db.session.scalars(select(ProfileField).where(ProfileField.retired_at.is_(None))
                                    .order_by(ProfileField.product_id, ProfileField.position, ProfileField.id)):
        grouped.setdefault(field.product_id, []).append(field)
    return grouped


def mapped_claims() -> list[str]:
    """The claims that prefill some active field (kept from each single sign-on)."""
    return sorted(set(db.session.scalars(select(ProfileField.claim).where(ProfileField.retired_at.is_(None),
                                                                          ProfileField.claim != ""))))


def get_field(field_id: int) -> ProfileField:
    field = db.session.get(ProfileField, field_id)
    if field is None:
        raise NotFound(_("No such profile field."))
    return field


def _choices(raw: object, errors: dict[str, str]) -> list[str]:
    items = raw.splitlines() if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(c, str) for c in items):
        errors["choices"] = _("Give the choices as a list of texts.")
        return []
    choices = [" ".join(c.split()) for c in items if c.strip()]
    if len(choices) < 2 or len(choices) > MAX_CHOICES:
        errors["choices"] = _("Give 2–%(max_choices)s choices, one per line.", max_choices=MAX_CHOICES)
    elif any(len(c) > 60 for c in choices):
        errors["choices"] = _("Each choice is at most 60 characters.")
    elif len({c.casefold() for c in choices}) != len(choices):
        errors["choices"] = _("Each choice must be different.")
    return choices


def _definition(field: ProfileField | None, product_id: int, data: Mapping[str, object]) -> dict:
    """Checked definition values from `data` (missing keys keep the field's current values)."""
    errors: dict[str, str] = {}
    current = (lambda name, default: getattr(field, name)) if field is not None else (lambda name, default: default)
    label = data.get("label", current("label", ""))
    if not isinstance(label, str) or not 1 <= len(" ".join(label.split())) <= 80:
        errors["label"] = _("A label of 1–80 characters, e.g. “Serial number”.")
        label = ""
    label = " ".join(label.split())
    if label:
        clash = select(ProfileField.id).where(ProfileField.product_id == product_id,
                                              func.lower(ProfileField.label) == label.lower(),
                                              ProfileField.retired_at.is_(None))
        if field is not None:
            clash = clash.where(ProfileField.id != field.id)
        if db.session.scalar(clash) is not None:
            errors["label"] = _("This product already has a field with that label.")
    kind = data.get("kind", current("kind", ""))
    if field is not None and kind != field.kind:
        errors["kind"] = _("A field's type can't change once it exists: retire it and add a new one.")
    elif kind not in {k.value for k in FieldKind}:
        errors["kind"] = _("Choose text, number, choice or date.")
    choices: list[str] = []
    if kind == FieldKind.CHOICE:
        choices = _choices(data.get("choices", current("choices", [])), errors)
    flags = {}
    for name in ("required", "staff_only"):
        value = data.get(name, current(name, name == "staff_only"))
        if not isinstance(value, bool):
            errors[name] = "true or false."
        flags[name] = bool(value)
    help_text = data.get("help_text", current("help_text", ""))
    if not isinstance(help_text, str) or len(help_text.strip()) > 300:
        errors["help_text"] = _("At most 300 characters.")
        help_text = ""
    claim = sso.check_claim_name(data.get("claim", current("claim", "")), "claim", errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return {"label": label, "kind": kind, "choices": choices, "help_text": help_text.strip(), "claim": claim,
            **flags}


def _key_for(product_id: int, label: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:34] or "field"
    taken = set(db.session.scalars(select(ProfileField.key).where(ProfileField.product_id == product_id)))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def define_field(product: Product, data: Mapping[str, object], *, actor: User) -> ProfileField:
    """Add a field at the end of the product's list; raises ValidationFailed naming each bad input."""
    require(actor, Permission.PROFILE_FIELDS_MANAGE)
    values = _definition(None, product.id, data)
    count = db.session.scalar(select(func.count(ProfileField.id)).where(ProfileField.product_id == product.id,
                                                                        ProfileField.retired_at.is_(None)))
    if count >= MAX_FIELDS_PER_PRODUCT:
        raise ValidationFailed(_("A product has at most %(max_fields_per_product)s active fields; retire one first.",
                                 max_fields_per_product=MAX_FIELDS_PER_PRODUCT))
    last = db.session.scalar(select(func.max(ProfileField.position)).where(ProfileField.product_id == product.id))
    field = ProfileField(product_id=product.id, key=_key_for(product.id, values["label"]),
                         position=(last or 0) + 1, **values)
    db.session.add(field)
    db.session.flush()
    return field


def update_field(field_id: int, data: Mapping[str, object], *, actor: User) -> ProfileField:
    """Rename a field or change its rules; stored values stay as they are."""
    require(actor, Permission.PROFILE_FIELDS_MANAGE)
    field = get_field(field_id)
    for name, value in _definition(field, field.product_id, data).items():
        setattr(field, name, value)
    db.session.flush()
    return field


def move_field(field_id: int, offset: int, *, actor: User) -> None:
    """Swap the field with its neighbour above (-1) or below (+1) among the product's active fields."""
    require(actor, Permission.PROFILE_FIELDS_MANAGE)
    field = get_field(field_id)
    siblings = fields_for(field.product_id)
    if field not in siblings or offset not in (-1, 1):
        return
    for position, sibling in enumerate(siblings):
        sibling.position = position
    index = siblings.index(field)
    other = index + offset
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = other, index
    db.session.flush()


def set_retired(field_id: int, retired: bool, *, actor: User) -> ProfileField:
    """Retire (no longer asked, values kept) or bring back a field."""
    require(actor, Permission.PROFILE_FIELDS_MANAGE)
    field = get_field(field_id)
    if retired and field.retired_at is None:
        field.retired_at = utcnow()
    elif not retired and field.retired_at is not None:
        _definition(field, field.product_id, {})  # its label may have been reused meanwhile
        field.retired_at = None
        field.position = (db.session.scalar(select(func.max(ProfileField.position)).where(
            ProfileField.product_id == field.product_id)) or 0) + 1
    db.session.flush()
    return field


# --- values -------------------------------------------------------------------------------------

def clean_value(field: ProfileField, raw: object) -> str | None:
    """The stored form of a member's answer (None when empty); raises ValueError with the message."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ValueError(_("Give a text value."))
    text = " ".join(str(raw).split())
    if not text:
        return None
    if field.kind == FieldKind.NUMBER:
        try:
            number = Decimal(text.replace(",", "")) if re.fullmatch(r"[-+]?[\d,]*\.?\d+", text) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal(10) ** 15:
            raise ValueError(_("Give a number, e.g. 42 or 3.5."))
        return format(number.normalize(), "f") if number != number.to_integral() else str(int(number))
    if field.kind == FieldKind.DATE:
        try:
            day = date.fromisoformat(text) if _DATE_RE.match(text) else None
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2100:
            raise ValueError(_("Give a date as YYYY-MM-DD, e.g. 2026-03-01."))
        return day.isoformat()
    if field.kind == FieldKind.CHOICE:
        if text not in field.choices:
            raise ValueError(_("Choose one of the options."))
        return text
    if len(text) > MAX_VALUE or not text.isprintable():
        raise ValueError(_("Use at most %(max_value)s characters on one line.", max_value=MAX_VALUE))
    return text


def clean_answers(fields: list[ProfileField], raw: Callable[[ProfileField], object],
                  name: Callable[[ProfileField], str]) -> tuple[dict[int, str | None], dict[str, str]]:
    """Check every field's answer; returns the values by field id and the errors by `name(field)`."""
    values: dict[int, str | None] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            value = clean_value(field, raw(field))
        except ValueError as exc:
            errors[name(field)] = str(exc)
            continue
        if value is None and field.required:
            errors[name(field)] = _("%(field)s is required for %(product)s questions.",
                                    field=field.label, product=field.product.name)
        values[field.id] = value
    return values, errors


def _save(user_id: int, values: Mapping[int, str | None]) -> None:
    existing = {v.field_id: v for v in db.session.scalars(
        select(ProfileValue).where(ProfileValue.user_id == user_id, ProfileValue.field_id.in_(list(values))))}
    for field_id, value in values.items():
        row = existing.get(field_id)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ProfileValue(user_id=user_id, field_id=field_id, value=value))
        elif row.value != value:
            row.value, row.updated_at = value, utcnow()
    db.session.flush()


def record_question_answers(user: User, question: Question, values: Mapping[int, str | None]) -> None:
    """Keep the answers with the question as asked, and save them on the member for next time."""
    _save(user.id, values)
    db.session.add_all(QuestionFieldValue(question_id=question.id, field_id=field_id, value=value)
                       for field_id, value in values.items() if value is not None)
    db.session.flush()


def _product(ref: object) -> Product | None:
    if isinstance(ref, int) and not isinstance(ref, bool):
        return db.session.get(Product, ref)
    if isinstance(ref, str) and ref:
        return db.session.scalar(select(Product).where(Product.slug == ref))
    return None


def ask_with_answers(author: User, *, title: str, body: str, tags: str | list[str], product: str | int,
                     raw: Callable[[ProfileField], object], name: Callable[[ProfileField], str],
                     unknown: list[str] = (), language: str | None = None) -> Question:
    """Ask a question together with the product's profile fields (one set of error messages).

    `raw(field)` reads an answer, `name(field)` names its error; `unknown` lists answers given
    for fields the product doesn't have (API callers), each reported as an error.
    """
    product_row = _product(product)
    # An archived product's fields aren't asked: `questions.ask` refuses the product itself.
    fields = fields_for(product_row.id) if product_row is not None and not product_row.is_archived else []
    values, errors = clean_answers(fields, raw, name)
    known = {f.key for f in fields}
    errors.update({f"fields.{key}": "This product has no such field." for key in unknown if key not in known})
    if errors:
        posts.check_title(title, errors)
        posts.check_body(body, errors)
        posts.check_tags(author, tags, errors)
        if language is not None:
            posts.check_language(language, errors)
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    question = questions.ask(author, title=title, body=body, tags=tags, product=product, language=language)
    record_question_answers(author, question, values)
    return question


def save_member_values(user: User, raw: Callable[[ProfileField], object],
                       name: Callable[[ProfileField], str]) -> None:
    """The member's own edit of their saved values (every active field; empty clears, required or not)."""
    fields = [f for group in active_fields_by_product().values() for f in group]
    values: dict[int, str | None] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            values[field.id] = clean_value(field, raw(field))
        except ValueError as exc:
            errors[name(field)] = str(exc)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    _save(user.id, values)


def saved_values(user_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(ProfileValue.field_id, ProfileValue.value)
                                   .where(ProfileValue.user_id == user_id)).all())


def prefill(user: User, fields: list[ProfileField]) -> dict[int, str]:
    """What the ask form shows in each field: the saved value, else the mapped claim's."""
    saved = saved_values(user.id)
    claims = sso.claim_values(user.id) if any(f.claim for f in fields) else {}
    result: dict[int, str] = {}
    for field in fields:
        value = saved.get(field.id)
        if value is None and field.claim and field.claim in claims:
            try:
                value = clean_value(field, claims[field.claim])
            except ValueError:
                value = None  # a claim that doesn't fit the field is offered as nothing
        if value is not None:
            result[field.id] = value
    return result


@dataclass(frozen=True)
class Answer:
    field: ProfileField
    value: str


def member_answers(user_id: int) -> list[Answer]:
    """The member's saved values (retired fields included), by product and field order. Staff or the member only."""
    rows = db.session.scalars(select(ProfileValue).join(ProfileField).join(Product)
                              .where(ProfileValue.user_id == user_id)
                              .order_by(Product.name, ProfileField.position, ProfileField.id))
    return [Answer(v.field, v.value) for v in rows]


def question_answers(question_id: int, *, staff: bool) -> list[Answer]:
    """The answers given with a question: the public ones, or (for the support team) all of them."""
    query = (select(QuestionFieldValue).join(ProfileField).where(QuestionFieldValue.question_id == question_id)
             .order_by(ProfileField.position, ProfileField.id))
    if not staff:
        query = query.where(ProfileField.staff_only.is_(False))
    return [Answer(v.field, v.value) for v in db.session.scalars(query)]


def webhook_fields(question_id: int) -> list[dict]:
    """Every answer given with the case's question, for the CRM (webhooks are staff-side)."""
    return [{"key": a.field.key, "label": a.field.label, "value": a.value, "staff_only": a.field.staff_only}
            for a in question_answers(question_id, staff=True)]


# --- privacy ------------------------------------------------------------------------------------

def _export(user_id: int) -> dict:
    asked = db.session.scalars(select(QuestionFieldValue).join(Question)
                               .where(Question.author_id == user_id).order_by(QuestionFieldValue.question_id))
    return {
        "saved": [{"product": a.field.product.slug, "field": a.field.key, "label": a.field.label, "value": a.value}
                  for a in member_answers(user_id)],
        "with_questions": [{"question_id": v.question_id, "field": v.field.key, "label": v.field.label,
                            "value": v.value} for v in asked],
    }


def _forget(event: Event, *, user_id: int, **_ids: int | None) -> None:
    """Erase the member's saved values and the answers on their questions, with the account."""
    db.session.execute(delete(ProfileValue).where(ProfileValue.user_id == user_id))
    db.session.execute(delete(QuestionFieldValue).where(
        QuestionFieldValue.question_id.in_(select(Question.id).where(Question.author_id == user_id))))


def init_app(app) -> None:
    """Register the export section and the erasure on account deletion."""
    export_section("customer_profile")(_export)
    subscribe(Event.ACCOUNT_DELETED)(_forget)
