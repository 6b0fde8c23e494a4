"""Routing new cases to the right agent: admins assign agents to products; a new case (manual or
automatic) goes to the product's agent with the fewest open cases (ties: the one assigned to the
product longest ago), skipping agents marked away. A product without agents leaves it unassigned.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from forum.extensions import db
from forum.models import AgentAway, Case, CaseStatus, Product, ProductAgent, User, utcnow
from forum.policy import Permission, require, roles, visibility
from forum.services.errors import NotFound, ValidationFailed

OPEN_STATUSES = (CaseStatus.NEW.value, CaseStatus.OPEN.value, CaseStatus.WAITING.value)


def product_agents(product_id: int) -> list[tuple[ProductAgent, bool, int]]:
    """The product's agents in routing order: (assignment, away?, open cases)."""
    open_cases = (select(Case.assignee_id, func.count(Case.id).label("n")).where(Case.status.in_(OPEN_STATUSES))
                  .group_by(Case.assignee_id).subquery())
    rows = db.session.execute(
        select(ProductAgent, AgentAway.user_id.is_not(None), func.coalesce(open_cases.c.n, 0))
        .join(User, User.id == ProductAgent.user_id)
        .outerjoin(AgentAway, AgentAway.user_id == ProductAgent.user_id)
        .outerjoin(open_cases, open_cases.c.assignee_id == ProductAgent.user_id)
        .where(ProductAgent.product_id == product_id, visibility.member_clause(), roles.role_clause(roles.SUPPORT_TEAM))
        .order_by(func.coalesce(open_cases.c.n, 0), ProductAgent.assigned_at, ProductAgent.id))
    return [(agent, bool(away), count) for agent, away, count in rows]


class Router:
    """Routing for a batch of new cases: each pick counts as one more open case for that agent."""

    def __init__(self, product_ids) -> None:
        self._agents: dict[int, list[list]] = {}
        for product_id in set(product_ids):
            # [open cases, assigned at, assignment id, user id], for agents not away
            self._agents[product_id] = [[count, a.assigned_at, a.id, a.user_id]
                                        for a, away, count in product_agents(product_id) if not away]

    def pick(self, product_id: int) -> int | None:
        candidates = self._agents.get(product_id)
        if not candidates:
            return None
        chosen = min(candidates, key=lambda c: (c[0], c[1], c[2]))
        for others in self._agents.values():  # an agent of several products: one more case everywhere
            for candidate in others:
                if candidate[3] == chosen[3]:
                    candidate[0] += 1
        return chosen[3]


def pick_agent(product_id: int) -> int | None:
    return Router([product_id]).pick(product_id)


def add_agent(product: Product, username: str, *, actor: User) -> ProductAgent:
    require(actor, Permission.PRODUCT_CARE_MANAGE)
    user = db.session.scalar(select(User).where(User.username == (username or "").strip(),
                                                visibility.member_clause()))
    if user is None or not roles.is_support(user):
        raise ValidationFailed(_("That person can't take cases."),
                               fields={"username": _("Choose an agent, moderator or admin by username.")})
    existing = db.session.scalar(select(ProductAgent).where(ProductAgent.product_id == product.id,
                                                            ProductAgent.user_id == user.id))
    if existing is not None:
        return existing
    assignment = ProductAgent(product_id=product.id, user_id=user.id, assigned_at=utcnow())
    db.session.add(assignment)
    db.session.flush()
    from moderation import audit

    audit.log("product.care", actor, target=f"product:{product.id}", after={"agent_added": user.username})
    return assignment


def remove_agent(product: Product, user_id: int, *, actor: User) -> None:
    require(actor, Permission.PRODUCT_CARE_MANAGE)
    removed = db.session.execute(delete(ProductAgent).where(ProductAgent.product_id == product.id,
                                                            ProductAgent.user_id == user_id)).rowcount
    if not removed:
        raise NotFound(_("That agent doesn't take this product's cases."))
    from moderation import audit

    audit.log("product.care", actor, target=f"product:{product.id}", before={"agent_removed": user_id})


def set_away(user: User, away: bool) -> None:
    """An agent marks themselves away (or back); routing skips them while away."""
    require(user, Permission.CASE_WORK)
    current = db.session.get(AgentAway, user.id)
    if away and current is None:
        db.session.add(AgentAway(user_id=user.id, since=utcnow()))
    elif not away and current is not None:
        db.session.delete(current)
    db.session.flush()


def is_away(user_id: int) -> bool:
    return db.session.get(AgentAway, user_id) is not None
