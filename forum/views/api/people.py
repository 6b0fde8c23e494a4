"""API routes about members."""

from flask import jsonify

from forum.services import accounts, queries
from forum.views.api import actor, bp
from forum.views.api import serialize as out


@bp.get("/me")
def me():
    user = actor()
    return jsonify(out.user_profile(user, queries.user_counts(user.id)))


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    member = accounts.get_user(user_id)
    return jsonify(out.user_profile(member, queries.user_counts(member.id)))
