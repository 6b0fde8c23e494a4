"""Plain factory functions: each builds one thing through the real services, as one unit of work.

What a factory builds is committed, as if another request had made it: a test's own
requests and the worker see it, and a request that rolls back leaves it alone.
"""

import itertools

from forum.extensions import db
from forum.models import Product, Role, Tag, User
from forum.services import accounts, answers, ledger, questions
from forum.transaction import transactional
from reputation.events import RepEvent

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


@transactional
def make_user(username: str | None = None, *, reputation_points: int = 0, role: Role = Role.MEMBER,
              email: str | None = None) -> User:
    """A member; `reputation_points` on top of the 1 everyone starts with, as a ledger bonus."""
    n = next(_seq)
    username = username or f"member{n}"
    user = accounts.register(username, email or f"{username}@example.com", PASSWORD, role=role)
    if reputation_points:
        award_bonus(user.id, reputation_points)
    return user


def sign_up(client, username: str, email: str, password: str = PASSWORD, *, next_path: str | None = None):
    """Sign up through the form and follow the emailed link (built here, not read from the mail)."""
    from forum.models import PendingSignUp
    from forum.services import account_email

    query = f"?next={next_path}" if next_path else ""
    client.post(f"/register{query}", data={"username": username, "email": email, "password": password})
    pending = db.session.scalar(db.select(PendingSignUp).where(PendingSignUp.email == email.lower()))
    return client.post(f"/register/finish/{account_email.sign_up_token(pending)}")


@transactional
def award_bonus(user_id: int, amount: int, *, reason: str = "test setup") -> None:
    """Reputation by hand, as a "bonus" ledger entry: test set-up only (the site has no such action)."""
    ledger.lock_users([user_id])
    ledger.record(RepEvent.BONUS, user_id=user_id, amount=amount, actor_id=None, reason=reason)
    ledger.refresh_cache([user_id])


@transactional
def make_product(slug: str = "thermostat", name: str = "Northwind Thermostat") -> Product:
    product = db.session.scalar(db.select(Product).where(Product.slug == slug))
    if product is None:
        product = Product(slug=slug, name=name, description=f"Questions about the {name}.")
        db.session.add(product)
    return product


@transactional
def make_tags(*names: str) -> list[Tag]:
    """Tags as an admin would set them up: members below the "create tags" privilege only choose existing ones."""
    existing = {t.name: t for t in db.session.scalars(db.select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
    return [existing[name] for name in names]


@transactional
def make_question(author: User | None = None, *, title: str | None = None, body: str | None = None,
                  tags: list[str] | None = None, product: str = "thermostat", language: str | None = None):
    author = author or make_user()
    make_product(product, product.title())
    n = next(_seq)
    tags = tags or ["schedule"]
    make_tags(*(tag.strip().lower().lstrip("#") for tag in tags if tag.strip()))
    return questions.ask(
        author,
        title=title or f"How do I reset the thermostat schedule {n}?",
        body=body or "The schedule keeps coming back after I delete it. I tried a reboot already.",
        tags=tags,
        product=product,
        language=language,
    )


@transactional
def make_answer(question, author: User | None = None, *, body: str | None = None):
    author = author or make_user()
    return answers.post_answer(question.id, author, body=body or "Hold the menu button for ten seconds, then clear it.")


@transactional
def make_moderator(username: str | None = None) -> User:
    """A moderator (the role, not reputation, is what opens the moderator console)."""
    return make_user(username, role=Role.MODERATOR)


@transactional
def make_comment(post, author: User | None = None, *, body: str = "Could you share the firmware version?"):
    """A comment on a question or an answer, by its author unless someone else is given."""
    from forum.services import comments
    from reputation.events import PostKind

    kind = PostKind.QUESTION if post.__class__.__name__ == "Question" else PostKind.ANSWER
    return comments.post_comment(author or post.author, kind, post.id, body=body)
