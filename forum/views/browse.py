"""Browsing by tag and by product."""

from flask import Blueprint, redirect, render_template, request

from forum import pagecache
from forum.extensions import db
from forum.models import Tag
from forum.services import queries
from forum.services.care import status as care_status
from forum.urls import tag_url
from forum.views.common import page_arg, per_page
from forum.views.questions import SORT_LABELS, _sort, content_language, list_filters

bp = Blueprint("browse", __name__)


@bp.get("/tags")
def tags():
    return render_template("browse/tags.html", page=queries.tags(page=page_arg()))


@bp.get("/tags/<name>")
@pagecache.for_anonymous()
def tag(name: str):
    tag_row = queries.get_tag(name)
    if tag_row.synonym_of_id is not None:  # a synonym, or a merged or renamed tag's old name
        return redirect(tag_url(db.session.get(Tag, tag_row.synonym_of_id), **request.args), code=301)
    sort, language = _sort(), content_language()
    page = queries.list_questions(sort, tag=tag_row.name, language=language, page=page_arg(), per_page=per_page())
    return render_template("questions/index.html", page=page, sort=sort, sorts=SORT_LABELS,
                           heading=f"Questions tagged [{tag_row.name}]", tag=tag_row, products=queries.products(),
                           waiting=care_status.waiting_markers(page.items), **list_filters(language))


@bp.get("/products")
def products():
    return render_template("browse/products.html", products=queries.products())


@bp.get("/products/<slug>")
@pagecache.for_anonymous()
def product(slug: str):
    product_row = queries.get_product(slug)
    sort, language = _sort(), content_language()
    page = queries.list_questions(sort, product=product_row.slug, language=language, page=page_arg(),
                                  per_page=per_page())
    return render_template("questions/index.html", page=page, sort=sort, sorts=SORT_LABELS,
                           heading=product_row.name, product=product_row, products=queries.products(),
                           waiting=care_status.waiting_markers(page.items), **list_filters(language))
