"""Search use cases: a results page and similar questions, over whichever backend is passed in.

Whatever the index says, a hit is shown only if its source confirms it is public right now
(one query per kind per page), so content deleted or hidden a moment ago never appears even
before its index update has run.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import Language, Product
from forum.search import documents
from forum.search.backend import Hit, IndexBusy, SearchBackend
from forum.search.query import MAX_PAGE, Filters, ParsedQuery, SearchRequest, Sort, parse
from forum.services.errors import ValidationFailed
from forum.services.posts import canonical_name
from forum.services.queries import Page

SIMILAR_KINDS = ("question", "article")  # whichever of these a registered source provides
BUSY_MESSAGE = "Search is being rebuilt right now. Please try again in a minute."


@dataclass
class Result:
    hit: Hit
    product_name: str
    labels: documents.KindLabels

    @property
    def kind_label(self) -> str:
        return self.labels.one

    @property
    def url(self) -> str:
        """The page this hit leads to (built from the request, so only read it while serving one)."""
        return documents.source_for_kind(self.hit.kind).link(self.hit.kind, self.hit.object_id, self.hit.ref_id,
                                                             self.hit.title)


@dataclass
class SearchPage(Page):
    """A page of results; pages stop at MAX_PAGE because deep pages of a search are never read."""

    items: list[Result]
    query: ParsedQuery
    filters: Filters
    sort: str
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None
    searched: bool = False
    capped: bool = False  # `total` is a floor: more matched than are counted

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, super().pages)


def check_request(*, sort: str | None, kind: str | None, page: int, per_page: int, max_per_page: int,
                  language: str | None = None) -> None:
    """Refuse filter values we don't know, with a message per field."""
    errors: dict[str, str] = {}
    if language not in (None, "") and language not in Language._value2member_map_:
        errors["lang"] = _("Unknown language: use one of %(codes)s.", codes=", ".join(code.value for code in Language))
    if sort not in (None, "", *Sort.ALL):
        errors["sort"] = _("Sort by %(choices)s.", choices=', '.join(Sort.ALL))
    if kind not in (None, "") and kind not in documents.kinds():
        errors["kind"] = _("Kind is one of %(choices)s.", choices=', '.join(documents.kinds()))
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = _("Results go up to page %(max_page)s; narrow the search to see more.", max_page=MAX_PAGE)
    if not 1 <= per_page <= max_per_page:
        errors["per_page"] = _("Use 1–%(max_per_page)s results per page.", max_per_page=max_per_page)
    if errors:
        raise ValidationFailed(_("Please correct the search options."), fields=errors)


def _public(hits: list[Hit]) -> list[Hit]:
    by_kind: dict[str, set[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, set()).add(hit.object_id)
    visible: set[tuple[str, int]] = set()
    for kind, ids in by_kind.items():
        source = documents.source_for_kind(kind)
        if source is not None:
            visible |= {(kind, i) for i in source.visible(kind, ids)}
    return [h for h in hits if (h.kind, h.object_id) in visible]


def _results(hits: list[Hit]) -> list[Result]:
    hits = _public(hits)
    slugs = {h.product for h in hits}
    names = dict(db.session.execute(select(Product.slug, Product.name).where(Product.slug.in_(slugs))).tuples().all()) \
        if slugs else {}
    kinds = documents.kinds()
    return [Result(hit=hit, product_name=names.get(hit.product, hit.product), labels=kinds[hit.kind])
            for hit in hits]  # _public kept only the hits of registered kinds


def search(backend: SearchBackend, raw_query: object, *, product: str | None = None, tag: str | None = None,
           kind: str | None = None, solved: bool = False, sort: str | None = None, page: int = 1,
           per_page: int = 20, max_per_page: int = 100, language: str | None = None) -> SearchPage:
    """One page of public results for what a visitor typed, with notices and a spelling suggestion.

    Raises ValidationFailed for unknown sort/kind/language values or pages out of range. A
    query with nothing searchable in it gives an empty page with a notice, never an error.
    """
    check_request(sort=sort, kind=kind, page=page, per_page=per_page, max_per_page=max_per_page, language=language)
    query = parse(raw_query)
    filters = Filters(product=(product or None), tag=canonical_name((tag or "").strip().lower()) or None,
                      kind=kind or None,
                      solved=bool(solved), language=language or None)
    sort = sort or Sort.RELEVANCE
    result = SearchPage([], page, per_page, 0, query, filters, sort, list(query.notices))
    typed = isinstance(raw_query, str) and raw_query.strip()
    if query.is_empty and not filters.active():
        if typed and not query.notices:
            result.notices.append("Type a word or two to search for: operators and symbols on their own "
                                  "don't match anything.")
        return result
    request = SearchRequest(query=query, filters=filters, sort=sort, page=page, per_page=per_page)
    try:
        found = backend.search(request)
    except IndexBusy:
        result.notices.append(BUSY_MESSAGE)
        return result
    result.searched = True
    result.items, result.total, result.capped = _results(found.hits), found.total, found.capped
    if found.total == 0 and not query.is_empty:
        result.suggestion = _suggestion(backend, request)
    return result


def _suggestion(backend: SearchBackend, request: SearchRequest) -> str | None:
    corrections = backend.suggest(request.query)
    if not corrections:
        return None
    corrected = request.query.replaced(corrections)
    return corrected.text if backend.exists(SearchRequest(query=corrected, filters=request.filters)) else None


def similar(backend: SearchBackend, title: object, *, product: str | None = None, limit: int = 5) -> list[Result]:
    """Up to `limit` public questions (and knowledge articles, once they are indexed) like a draft title."""
    query = parse(title)
    if query.is_empty:
        return []
    kinds = tuple(k for k in SIMILAR_KINDS if k in documents.kinds())
    try:
        hits = backend.similar(query, kinds=kinds, product=product or None, limit=limit)
    except IndexBusy:
        return []
    return _results(hits)
