"""The admin home (/admin): every site setting one click away, the products and the tags."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import auth, i18n
from forum.models import Language
from forum.policy import Permission, require
from forum.services import catalog, queries, settings, site, tags
from forum.services.errors import NotFound, ValidationFailed
from forum.transaction import unit_of_work
from forum.views.common import flash_at, page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")

# (title, endpoint, what it is for): the admin pages, as the home lists them.
SECTIONS = (
    (_l("Site name, logo and registration"), "admin.site_settings",
     _l("What the site is called, its logo, who may sign up, and the mail new members get.")),
    (_l("Reputation and privileges"), "reputation.admin_settings",
     _l("How much reputation each privilege needs; new-community mode.")),
    (_l("Moderation settings"), "mod.settings_page", _l("Watched words and the spam rules.")),
    (_l("Response targets"), "care.products", _l("Business hours, first-response targets and escalation per product.")),
    (_l("Customer profile fields"), "profile_fields.products",
     _l("What customers are asked when they post about a product.")),
    (_l("Webhooks"), "cases.webhook_settings", _l("Where case and question events are sent.")),
    (_l("Single sign-on"), "sso.admin_settings", _l("Company identity providers and sign-in options.")),
    (_l("Site language"), "admin.language", _l("The language of the pages for readers who ask for none we ship.")),
    (_l("Tags"), "admin.tag_list", _l("Create, describe, rename and merge tags; synonyms.")),
)


def _page(status: int = 200, errors: dict | None = None, editing: str | None = None):
    return render_template("admin/home.html", sections=[(t, url_for(e), d) for t, e, d in SECTIONS],
                           products=queries.products(include_archived=True), errors=errors or {}, editing=editing,
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


@bp.post("/products/<slug>/archive")
@auth.login_required
def archive_product(slug: str):
    require(auth.current(), Permission.ADMIN_SETTINGS)
    archived = request.form.get("archived") == "1"
    with unit_of_work():
        product = catalog.set_archived(auth.current(), slug, archived)
    flash_at(_("“%(product)s” is archived: it takes no new questions, and its questions stay.", product=product.name)
             if archived else _("“%(product)s” is back: members can ask about it again.", product=product.name),
             "success", "admin-products-status")
    return _redirect()


TAGS_PER_PAGE = 60


def _tag_status(name: str | None) -> str:
    return f"tag-{name}-status" if name else "admin-tags-status"


@bp.get("/tags")
@auth.login_required
def tag_list():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    page = queries.tags(page=page_arg(), per_page=TAGS_PER_PAGE)
    return render_template("admin/tags.html", page=page,
                           synonyms=tags.synonyms_of([tag.id for tag, _count in page.items]),
                           status_of=_tag_status)


def _tag_action(name: str | None, action, done: str):
    """Run one tag change as a unit of work; the outcome is shown beside that tag's forms."""
    target = _tag_status(name)
    try:
        with unit_of_work():
            result = action()
    except ValidationFailed as exc:
        flash_at(" ".join(exc.fields.values()) or exc.message, "error", target)
    except NotFound as exc:
        flash_at(exc.message, "error", "admin-tags-status")
        target = "admin-tags-status"
    else:
        flash_at(done(result), "success", _tag_status(getattr(result, "name", name)))
        target = _tag_status(getattr(result, "name", name))
    return redirect(url_for("admin.tag_list", page=request.form.get("page") or None, _anchor=target))


@bp.post("/tags")
@auth.login_required
def create_tag():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    return _tag_action(None, lambda: tags.create_tag(auth.current(), request.form.get("name", ""),
                                                     request.form.get("description", "")),
                       lambda tag: _("Tag “%(tag)s” is added.", tag=tag.name))


# What each tag form does: the use case it calls with the form, and what the admin is told.
TAG_ACTIONS = {
    "describe": (lambda actor, name, form: tags.describe_tag(actor, name, form.get("description", "")),
                 lambda tag, name: _("The description of “%(tag)s” is saved.", tag=tag.name)),
    "rename": (lambda actor, name, form: tags.rename_tag(actor, name, form.get("new_name", "")),
               lambda tag, name: _("Renamed to “%(tag)s”; the old name leads here.", tag=tag.name)),
    "merge": (lambda actor, name, form: tags.merge_tag(actor, name, form.get("into", "")),
              lambda tag, name: _("“%(name)s” is merged into “%(tag)s” and is now its synonym.", name=name,
                                  tag=tag.name)),
    "synonyms": (lambda actor, name, form: tags.add_synonym(actor, name, form.get("synonym", "")),
                 lambda tag, name: _("The synonym is added: it stands for “%(tag)s”.", tag=tag.name)),
    "remove-synonym": (lambda actor, name, form: tags.remove_synonym(actor, name, form.get("synonym", "")),
                       lambda tag, name: _("The synonym is removed.")),
}


@bp.post("/tags/<name>/<action>")
@auth.login_required
def change_tag(name: str, action: str):
    require(auth.current(), Permission.ADMIN_SETTINGS)
    if action not in TAG_ACTIONS:
        abort(404)
    run, told = TAG_ACTIONS[action]
    return _tag_action(name, lambda: run(auth.current(), name, request.form), lambda tag: told(tag, name))


def _site_page(status: int = 200, errors: dict | None = None, which: str | None = None):
    return render_template("admin/site.html", identity=settings.site_identity(),
                           options=settings.registration_options(), digests=settings.DIGEST_CHOICES,
                           errors=errors or {}, which=which, form=request.form,
                           sender=current_app.config["MAIL_DEFAULT_SENDER"]), status


@bp.get("/site")
@auth.login_required
def site_settings():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    return _site_page()


@bp.post("/site/identity")
@auth.login_required
def save_identity():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    try:
        with unit_of_work():
            site.update_identity(auth.current(), name=request.form.get("name", ""),
                                 logo_url=request.form.get("logo_url", ""))
    except ValidationFailed as exc:
        return _site_page(422, exc.fields, "identity")
    flash_at(_("The site name and logo are saved."), "success", "site-identity-status")
    return redirect(url_for("admin.site_settings", _anchor="site-identity-status"))


@bp.post("/site/registration")
@auth.login_required
def save_registration():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    form = request.form
    try:
        with unit_of_work():
            site.update_registration(
                auth.current(), open_registration=form.get("registration") != "closed",
                allowed_domains=form.get("allowed_domains", ""),
                require_email_confirmation=form.get("require_email_confirmation") == "on",
                digest_default=form.get("digest_default", ""), mail_from_name=form.get("mail_from_name", ""))
    except ValidationFailed as exc:
        return _site_page(422, exc.fields, "registration")
    flash_at(_("The registration and email options are saved."), "success", "site-registration-status")
    return redirect(url_for("admin.site_settings", _anchor="site-registration-status"))
