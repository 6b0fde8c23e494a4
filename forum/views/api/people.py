"""API routes about members."""

from functools import partial

from forum.services import accounts, badges, queries, reputation
from forum.views.api import actor, bp, viewer
from forum.views.api import schemas as s
from forum.views.api import serialize as out
from forum.views.api.operations import operation

api = partial(operation, bp)


@api("GET", "/me", summary="The token owner's profile", tag="members", response=s.Member)
def me():
    user = actor()
    return out.user_profile(user, queries.user_counts(user.id), user)


@api("GET", "/users/<int:user_id>", summary="A member's public profile", tag="members", token=False,
     response=s.MemberWithBadges)
def user(user_id: int):
    member = accounts.get_user(user_id)
    result = out.user_profile(member, queries.user_counts(member.id), viewer())
    result["badges"] = [out.badge(award) for award in badges.awards_of(member.id)]
    return result


@api("GET", "/users/<int:user_id>/reputation", summary="A member's reputation ledger, newest first", tag="members",
     token=False, query=s.Paging, response=s.ReputationList)
def user_reputation(user_id: int, query: s.Paging):
    accounts.get_user(user_id)
    result = reputation.history(user_id, page=query.page, per_page=query.per_page, viewer=viewer())
    return out.page(result, out.reputation_item)
