"""API routes about members."""

from flask import jsonify

from forum.services import accounts, badges, queries, reputation
from forum.views.api import actor, bp, viewer
from forum.views.api import serialize as out
from forum.views.api.content import paging


@bp.get("/me")
def me():
    user = actor()
    return jsonify(out.user_profile(user, queries.user_counts(user.id)))


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    member = accounts.get_user(user_id)
    result = out.user_profile(member, queries.user_counts(member.id))
    result["badges"] = [out.badge(award) for award in badges.awards_of(member.id)]
    return jsonify(result)


@bp.get("/users/<int:user_id>/reputation")
def user_reputation(user_id: int):
    accounts.get_user(user_id)
    page, per_page = paging()
    result = reputation.history(user_id, page=page, per_page=per_page, viewer=viewer())
    return jsonify(out.page(result, out.reputation_item))
