"""Seed a demo community through the real use cases, so its reputation is all earned.

Members start with 1 reputation like everyone else; acceptances come first, then votes from
members who have earned the privilege, then comments. Timestamps are spread over the past
weeks afterwards so the lists look lived-in.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from forum import demo_content
from forum.extensions import db
from forum.models import Activity, Answer, Comment, Product, Question, ReputationEntry, Revision, Role, User, utcnow
from forum.services import acceptance, accounts, answers, comments, questions, tags, votes
from forum.services.errors import ServiceError
from reputation.events import PostKind

DEMO_PASSWORD = "peercare-demo"
ADMIN = ("admin", "admin@example.com", "peercare-admin")
ROLES = {"lena_mod": Role.MODERATOR, "sam_support": Role.AGENT}


def seed(rng_seed: int = 7) -> str:
    """Create the demo community; returns a one-line summary."""
    rng = random.Random(rng_seed)
    from moderation import spam

    spam.lift_new_member_limits()  # the demo's posts stand for weeks of activity, not one day's
    for spec in demo_content.PRODUCTS:
        db.session.add(Product(slug=spec["slug"], name=spec["name"], description=spec["description"]))
    db.session.flush()
    admin = accounts.register(*ADMIN, role=Role.ADMIN, email_confirmed=True)  # demo addresses can't be confirmed
    # New members choose from existing tags (the "create tags" privilege), so the admin sets them up first.
    for name in sorted({name for spec in demo_content.QUESTIONS for name in spec["tags"]}):
        tags.create_tag(admin, name)
    members: list[User] = []
    for spec in demo_content.MEMBERS:
        user = accounts.register(spec["username"], f"{spec['username'].replace('-', '.')}@example.com", DEMO_PASSWORD,
                                 role=ROLES.get(spec["username"], Role.MEMBER), email_confirmed=True)
        accounts.update_profile(user, spec["about"])
        members.append(user)

    threads = []
    for spec in demo_content.QUESTIONS:
        question = questions.ask(members[spec["author"]], title=spec["title"], body=spec["body"],
                                 tags=spec["tags"], product=spec["product"])
        posted = [answers.post_answer(question.id, members[a["author"]], body=a["body"]) for a in spec["answers"]]
        if spec["accepted"] is not None:
            acceptance.accept_answer(posted[spec["accepted"]].id, members[spec["author"]])
        threads.append((spec, question, posted))

    cast = skipped = 0
    for _ in range(2):  # a second pass lets members who earned reputation in the first one vote too
        for spec, question, posted in threads:
            targets = [(PostKind.QUESTION, question, spec["votes"], spec["author"])]
            targets += [(PostKind.ANSWER, a, s["votes"], s["author"])
                        for a, s in zip(posted, spec["answers"], strict=True)]
            for kind, post, target, author_index in targets:
                db.session.refresh(post)
                voters = [m for i, m in enumerate(members) if i != author_index]
                rng.shuffle(voters)
                for voter in voters:
                    if post.score == target:
                        break
                    try:
                        post_score = votes.vote(voter, kind, post.id, 1 if target > post.score else -1)
                    except ServiceError:
                        skipped += 1
                        continue
                    cast += 1
                    post.score = post_score

    made = 0
    for spec, question, posted in threads:
        pending = [(PostKind.QUESTION, question.id, c) for c in spec.get("comments", [])]
        for a, s in zip(posted, spec["answers"], strict=True):
            pending += [(PostKind.ANSWER, a.id, c) for c in s.get("comments", [])]
        for kind, post_id, c in pending:
            try:
                comments.post_comment(members[c["author"]], kind, post_id, body=c["body"])
                made += 1
            except ServiceError:
                skipped += 1

    _spread_over_time(rng, [question for _, question, _ in threads])
    cases, articles = _support_work(members, threads)
    return (f"Seeded {len(members)} members, {len(threads)} questions, "
            f"{sum(len(p) for _, _, p in threads)} answers, {cast} votes, {made} comments, "
            f"{cases} support cases and {articles} knowledge articles. "
            f"Sign in as any member with password “{DEMO_PASSWORD}”, or as {ADMIN[0]} / {ADMIN[2]}.")


def _support_work(members: list[User], threads: list) -> tuple[int, int]:
    """Escalate a few unanswered threads and publish a few accepted answers, as the staff would."""
    from moderation import escalation, knowledge

    by_name = {m.username: m for m in members}
    agent, moderator = by_name.get("sam_support"), by_name.get("lena_mod")
    if agent is None or moderator is None:
        return 0, 0
    unanswered = [q for spec, q, posted in threads if not posted][:3]
    scripts = [
        ("urgent", ["We can reproduce this and are shipping you a replacement unit today.",
                    "Replacement delivered; please confirm the reading is stable now."],
         "Replaced the faulty unit; readings are stable."),
        ("high", ["Thanks for the logs. Our engineers are looking at the firmware trace."], None),
        ("normal", [], None),
    ]
    for question, (priority, updates, resolution) in zip(unanswered, scripts, strict=False):
        case = escalation.escalate(question.id, actor=agent, priority=priority,
                                   note="Customer confirmed serial number by email (kept in the case only).").case
        escalation.assign(case, agent.username, actor=agent)
        for text in updates:
            escalation.post_update(case, text, public=True, actor=agent)
        if resolution:
            escalation.transition(case, "resolved", actor=agent, summary=resolution)
            escalation.customer_response(question.id, customer=question.author, accept=True)
    published = 0
    for spec, question, posted in threads:
        if published >= 4 or spec["accepted"] is None:
            continue
        answer = posted[spec["accepted"]]
        knowledge.publish_answer(question.id, answer_id=answer.id, actor=moderator)
        published += 1
    return len(unanswered[:3]), published


def _spread_over_time(rng: random.Random, threads: list[Question]) -> None:
    """Move each thread (and everything attached to it) back in time by a random age.

    Answers come some hours after their question, in the order they were posted, and comments
    after the post they are on; the thread's last activity is then its latest answer (or the
    question itself), so the Active list's "answered 2 h ago by …" is true, and nothing ends up
    after now. Done row by row in Python: date arithmetic in SQL differs between SQLite and
    PostgreSQL, and the demo is small.
    """
    now = utcnow()
    for question in threads:
        shift = timedelta(days=rng.uniform(0.2, 45))
        asked = now - shift
        room = shift * 0.9  # everything in the thread happens within 90% of its age
        answers_now = list(db.session.scalars(select(Answer).where(Answer.question_id == question.id)
                                              .order_by(Answer.id)))
        offsets = sorted(min(timedelta(hours=rng.uniform(0.5, 30)), room) for _ in answers_now)
        at = {("question", question.id): asked}
        at.update({("answer", a.id): asked + offset for a, offset in zip(answers_now, offsets, strict=True)})
        question.created_at = asked
        for answer in answers_now:
            answer.created_at = at[("answer", answer.id)]
        for comment in db.session.scalars(select(Comment).where(Comment.question_id == question.id)):
            post = at[("answer", comment.answer_id)] if comment.answer_id else asked
            comment.created_at = min(post + timedelta(hours=rng.uniform(0.1, 3)), asked + room)
        for revision in db.session.scalars(select(Revision).where(
                (Revision.question_id == question.id) | Revision.answer_id.in_([a.id for a in answers_now]))):
            revision.created_at = at[("answer", revision.answer_id)] if revision.answer_id else asked
        for entry in db.session.scalars(select(ReputationEntry).where(
                (ReputationEntry.question_id == question.id)
                | ReputationEntry.answer_id.in_([a.id for a in answers_now]))):
            entry.created_at = at.get(("answer", entry.answer_id), asked) if entry.answer_id else asked
        if answers_now:
            latest = max(answers_now, key=lambda a: a.created_at)
            question.last_activity_at = latest.created_at
            question.last_activity_kind, question.last_activity_by_id = Activity.ANSWERED.value, latest.author_id
        else:
            question.last_activity_at = asked
            question.last_activity_kind, question.last_activity_by_id = Activity.ASKED.value, question.author_id
    db.session.flush()
