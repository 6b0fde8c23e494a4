"""API routes for search and for similar questions while asking."""

from functools import partial

from flask import current_app
from markupsafe import escape

from forum import auth
from forum.search import EXTENSION, service
from forum.services import self_service
from forum.transaction import unit_of_work
from forum.urls import site_address
from forum.views.api import bp
from forum.views.api import schemas as s
from forum.views.api.operations import operation
from forum.views.api.serialize import iso
from forum.views.common import watch_self_service

api = partial(operation, bp)


def marked_html(segments: list[tuple[str, bool]]) -> str:
    """Escaped text with matches wrapped in <mark> (for clients that show HTML)."""
    return "".join(f"<mark>{escape(text)}</mark>" if hit else str(escape(text)) for text, hit in segments)


def result_json(result: service.Result) -> dict:
    hit = result.hit
    return {
        "kind": hit.kind, "id": hit.object_id, "thread_id": hit.ref_id, "title": hit.title,
        "title_html": marked_html(hit.title_segments), "url": site_address(result.url),
        "snippet": hit.snippet_text, "snippet_html": marked_html(hit.snippet),
        "product": {"slug": hit.product, "name": result.product_name}, "tags": list(hit.tags),
        "score": hit.score, "accepted": hit.accepted, "has_accepted_answer": hit.solved,
        "created_at": iso(hit.created_at), "relevance": round(hit.relevance, 6), "language": hit.language,
    }


@api("GET", "/search", tag="search", token=False, query=s.SearchQuery, response=s.SearchResults,
     summary="Search public questions and answers: highlighted snippets, filters, sort, a spelling suggestion "
             "when nothing matches")
def search(query: s.SearchQuery):
    result = service.search(
        current_app.extensions[EXTENSION], query.q, product=query.product, tag=query.tag, kind=query.kind,
        language=query.lang, solved=query.accepted, sort=query.sort, page=query.page, per_page=query.per_page,
        max_per_page=current_app.config["API_MAX_PER_PAGE"])
    return {"items": [result_json(r) for r in result.items], "page": result.page, "per_page": result.per_page,
            "total": result.total, "total_is_lower_bound": result.capped, "query": result.query.text,
            "notices": result.notices, "suggestion": result.suggestion}


@api("GET", "/search/similar", summary="Up to 10 public questions similar to a draft title", tag="search",
     token=False, query=s.SimilarQuery, response=s.SimilarResults)
def similar(query: s.SimilarQuery):
    items = service.similar(current_app.extensions[EXTENSION], query.title, product=query.product, limit=query.limit)
    with unit_of_work():  # the ask page's script: suggestions shown to a signed-in member
        if self_service.record_suggestion(auth.current(), shown=len(items)):
            watch_self_service()
    return {"items": [result_json(r) for r in items], "page": 1, "per_page": query.limit, "total": len(items)}
