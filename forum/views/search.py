"""The search page, and the no-JavaScript "check for similar questions" step of asking."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from forum import auth
from forum.forms import AskForm
from forum.models import Language
from forum.search import EXTENSION, documents, service
from forum.search.query import MAX_QUERY_CHARS, Sort
from forum.services import queries, self_service
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from forum.views import questions as asking
from forum.views.common import page_arg, watch_self_service

bp = Blueprint("search", __name__)

SORT_LABELS = {Sort.RELEVANCE: _l("Relevance"), Sort.NEWEST: _l("Newest"), Sort.VOTES: _l("Votes")}
TRUE_VALUES = ("1", "on", "true", "yes")
LINK_PARAMETERS = ("q", "product", "tag", "kind", "lang", "accepted", "sort")


def backend():
    return current_app.extensions[EXTENSION]


@bp.get("/search")
def index():
    args = request.args
    errors: dict[str, str] = {}
    try:
        result = service.search(
            backend(), args.get("q", ""), product=args.get("product"), tag=args.get("tag"),
            kind=args.get("kind"), language=args.get("lang", "").strip().lower() or None,
            solved=args.get("accepted", "").lower() in TRUE_VALUES,
            sort=args.get("sort"), page=page_arg(), per_page=current_app.config["SEARCH_PER_PAGE"],
            max_per_page=current_app.config["SEARCH_PER_PAGE"])
    except ValidationFailed as exc:
        result, errors = None, exc.fields
    if result is not None and result.searched and result.page == 1 and not result.query.is_empty:
        with unit_of_work():
            if self_service.record_search(auth.current(), result.query.words(), found=result.total):
                watch_self_service()
    link_args = {name: args[name] for name in LINK_PARAMETERS if args.get(name)}
    return render_template("search/index.html", result=result, errors=errors, sorts=SORT_LABELS, link_args=link_args,
                           kinds=documents.kinds(), products=queries.products(), languages=list(Language),
                           max_query_chars=MAX_QUERY_CHARS), 400 if errors else 200


@bp.post("/questions/ask/similar")
@auth.login_required
def similar_check():
    """Re-show the ask form, filled in as it was, with questions like its title (no JavaScript needed)."""
    form = AskForm()
    form.product.choices = asking.product_choices()
    similar = service.similar(backend(), form.title.data or "")
    with unit_of_work():
        if self_service.record_suggestion(auth.current(), shown=len(similar)):
            watch_self_service()
    return render_template("questions/ask.html", form=form, similar=similar, similar_checked=True,
                           **asking.ask_aids())
