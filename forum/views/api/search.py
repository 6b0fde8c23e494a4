"""API routes for search and for similar questions while asking."""

from urllib.parse import urljoin

from flask import current_app, jsonify, request
from markupsafe import escape

from forum import auth
from forum.search import EXTENSION, service
from forum.services import self_service
from forum.transaction import unit_of_work
from forum.views.api import bp
from forum.views.api.content import paging
from forum.views.api.serialize import iso
from forum.views.common import watch_self_service

TRUE_VALUES = ("1", "on", "true", "yes")
SIMILAR_MAX = 10


def marked_html(segments: list[tuple[str, bool]]) -> str:
    """Escaped text with matches wrapped in <mark> (for clients that show HTML)."""
    return "".join(f"<mark>{escape(text)}</mark>" if hit else str(escape(text)) for text, hit in segments)


def result_json(result: service.Result) -> dict:
    hit = result.hit
    return {
        "kind": hit.kind, "id": hit.object_id, "thread_id": hit.ref_id, "title": hit.title,
        "title_html": marked_html(hit.title_segments), "url": urljoin(request.host_url, result.url),
        "snippet": hit.snippet_text, "snippet_html": marked_html(hit.snippet),
        "product": {"slug": hit.product, "name": result.product_name}, "tags": list(hit.tags),
        "score": hit.score, "accepted": hit.accepted, "has_accepted_answer": hit.solved,
        "created_at": iso(hit.created_at), "relevance": round(hit.relevance, 6),
    }


@bp.get("/search")
def search():
    page, per_page = paging()
    args = request.args
    result = service.search(
        current_app.extensions[EXTENSION], args.get("q", ""), product=args.get("product"), tag=args.get("tag"),
        kind=args.get("kind"), solved=args.get("accepted", "").lower() in TRUE_VALUES, sort=args.get("sort"),
        page=page, per_page=per_page, max_per_page=current_app.config["API_MAX_PER_PAGE"])
    return jsonify(items=[result_json(r) for r in result.items], page=result.page, per_page=result.per_page,
                   total=result.total, total_is_lower_bound=result.capped, query=result.query.text,
                   notices=result.notices,
                   suggestion=result.suggestion)


@bp.get("/search/similar")
def similar():
    try:
        limit = min(SIMILAR_MAX, max(1, int(request.args.get("limit", 5))))
    except ValueError:
        limit = 5
    items = service.similar(current_app.extensions[EXTENSION], request.args.get("title", ""),
                            product=request.args.get("product"), limit=limit)
    with unit_of_work():  # the ask page's script: suggestions shown to a signed-in member
        if self_service.record_suggestion(auth.current(), shown=len(items)):
            watch_self_service()
    return jsonify(items=[result_json(r) for r in items], page=1, per_page=limit, total=len(items))
