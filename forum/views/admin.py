"""The admin home (/admin): every site setting one click away, and the products."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum import auth, i18n
from forum.models import Language
from forum.policy import Permission, require
from forum.services import catalog, queries, settings
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from forum.views.common import flash_at

bp = Blueprint("admin", __name__, url_prefix="/admin")

# (title, endpoint, what it is for): the admin pages, as the home lists them.
SECTIONS = (
    ("Reputation and privileges", "reputation.admin_settings",
     "How much reputation each privilege needs; new-community mode."),
    ("Moderation settings", "mod.settings_page", "Watched words and the spam rules."),
    ("Response targets", "care.products", "Business hours, first-response targets and escalation per product."),
    ("Customer profile fields", "profile_fields.products", "What customers are asked when they post about a product."),
    ("Webhooks", "cases.webhook_settings", "Where case and question events are sent."),
    ("Single sign-on", "sso.admin_settings", "Company identity providers and sign-in options."),
    ("Site language", "admin.language", "The language of the pages for readers who ask for none we ship."),
)


def _page(status: int = 200, errors: dict | None = None, editing: str | None = None):
    return render_template("admin/home.html", sections=[(t, url_for(e), d) for t, e, d in SECTIONS],
                           products=queries.products(), errors=errors or {}, editing=editing,
                           form=request.form), status


@bp.get("")
@auth.login_required
def home():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    return _page()


@bp.post("/products")
@auth.login_required
def create_product():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    try:
        with unit_of_work():
            product = catalog.create_product(auth.current(), name=request.form.get("name", ""),
                                             slug=request.form.get("slug", ""),
                                             description=request.form.get("description", ""))
    except ValidationFailed as exc:
        return _page(422, exc.fields, editing="new")
    flash_at(_("“%(product)s” is added.", product=product.name), "success", "admin-products-status")
    return _redirect()


@bp.post("/products/<slug>")
@auth.login_required
def update_product(slug: str):
    require(auth.current(), Permission.ADMIN_SETTINGS)
    try:
        with unit_of_work():
            product = catalog.update_product(auth.current(), slug, name=request.form.get("name", ""),
                                             description=request.form.get("description", ""))
    except ValidationFailed as exc:
        return _page(422, exc.fields, editing=slug)
    flash_at(_("“%(product)s” is saved.", product=product.name), "success", "admin-products-status")
    return _redirect()


def _redirect():
    return redirect(url_for("admin.home", _anchor="admin-products-status"))


@bp.get("/language")
@auth.login_required
def language():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    return render_template("admin/language.html", languages=[(lang.value, lang.label) for lang in Language],
                           default=i18n.site_default().value)


@bp.post("/language")
@auth.login_required
def save_language():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    back = redirect(url_for("admin.language"))
    try:
        with unit_of_work():
            settings.set_default_locale(request.form.get("default_locale", ""))
    except ValidationFailed as exc:
        flash_at(exc.message, "error", "admin-language-status")
        return back
    flash_at(_("The default language is saved."), "success", "admin-language-status")
    return back
