"""`flask …` commands (README, "Configuration" and "Command line"): each one calls a service."""

import getpass

import click
from flask import Flask, current_app

from forum.models import Role
from forum.services import accounts, tokens
from forum.services.errors import ServiceError
from forum.transaction import transactional


def _fail(exc: ServiceError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    raise click.ClickException(f"{exc.message} {details}".strip())


def register_commands(app: Flask) -> None:
    register_reputation_commands(app)
    from forum.search.commands import register_search_commands

    register_search_commands(app)
    register_digest_commands(app)
    register_care_commands(app)
    register_insights_commands(app)

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.argument("email")
    @click.option("--password", envvar="ADMIN_PASSWORD", help="Prompted for when not given.")
    @transactional
    def create_admin(username: str, email: str, password: str | None) -> None:
        """Create a site admin account."""
        password = password or getpass.getpass("Password (10+ characters): ")
        try:
            user = accounts.register(username, email, password, role=Role.ADMIN, email_confirmed=True)
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"Admin {user.username} created.")

    @app.cli.command("set-role")
    @click.argument("username")
    @click.argument("role", type=click.Choice([r.value for r in Role]))
    @transactional
    def set_role(username: str, role: str) -> None:
        """Give a member a role: member, moderator, agent or admin."""
        try:
            user = accounts.set_role(username, Role(role))
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"{user.username} is now {user.role}.")

    @app.cli.command("create-token")
    @click.argument("username")
    @click.option("--name", default="command line", help="A name to recognise the token by.")
    @click.option("--scope", default=None, type=click.Choice(["read", "read-write", "read-write-cases"]),
                  help="What the token may do; the widest the member may have when not given.")
    @transactional
    def create_token(username: str, name: str, scope: str) -> None:
        """Create a personal API token for a member and print it (shown once)."""
        user = accounts.find_by_username(username)
        if user is None:
            raise click.ClickException(f"No member called {username}.")
        try:
            click.echo(tokens.create_token(user, name, scope))
        except ServiceError as exc:
            _fail(exc)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has members.")
    @transactional
    def seed_demo(if_empty: bool) -> None:
        """Fill the database with a demo community (products, members, questions, answers, votes)."""
        from forum.services import demo

        if if_empty and accounts.count_users():
            click.echo("The database already has members; demo content not added.")
            return
        summary = demo.seed()
        from forum.search import EXTENSION, indexing

        if EXTENSION in current_app.extensions:
            # The demo moves its threads back in time after posting them: index the dates they ended with.
            indexing.rebuild(current_app.extensions[EXTENSION])
        click.echo(summary)


def register_reputation_commands(app: Flask) -> None:
    group = click.Group("reputation", help="Check and repair reputation.")

    @group.command("verify")
    def verify() -> None:
        """Recompute every member's reputation from the ledger and from first principles."""
        from forum.services import verification

        report = verification.verify()
        for difference in report.differences:
            click.echo(difference.describe())
        click.echo(f"Checked {report.users} members and {report.events} ledger events: "
                   f"{report.difference_count} difference(s).")
        if not report.ok:
            raise SystemExit(1)

    @group.command("recompute")
    @transactional
    def recompute() -> None:
        """Repair cached reputation totals from the ledger."""
        from forum.services import verification

        click.echo(f"Repaired {verification.recompute()} cached total(s).")

    app.cli.add_command(group)


def _parse_now(now_text: str | None):
    """--now as naive UTC (an offset in the text is honoured), or None for the current time."""
    from datetime import UTC, datetime

    try:
        now = datetime.fromisoformat(now_text) if now_text else None
    except ValueError as exc:
        raise click.BadParameter("use an ISO time such as 2026-11-23T07:05", param_hint="--now") from exc
    if now is not None and now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now


def register_care_commands(app: Flask) -> None:
    group = click.Group("care", help="Response targets: overdue notices, automatic escalation and update cadence.")

    @group.command("run")
    @click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
    @click.option("--now", "now_text", metavar="ISO-TIME",
                  help="Judge as of this time (UTC unless it has an offset), e.g. 2026-11-30T10:05.")
    def care_run(dry_run: bool, now_text: str | None) -> None:
        """Announce overdue first responses, escalate questions past their product's threshold and remind
        agents (what beat runs every 5 minutes)."""
        from forum.services.care import run
        from forum.transaction import unit_of_work

        now = _parse_now(now_text)
        with unit_of_work():
            report = run.run(now, dry_run=dry_run)
        verb = "would escalate" if dry_run else "escalated"
        for due, reference in report.escalations:
            if dry_run or reference:
                target = f" as {reference}" if reference else ""
                click.echo(f"{verb} question #{due.question_id} ({due.product_name}, {due.priority}){target}: "
                           f"{due.title}")
        for notice in report.overdue:
            click.echo(f"{'would send' if dry_run else 'sent'} question.response_overdue for question "
                       f"#{notice.question_id} ({notice.product_name}, due {notice.due_at:%Y-%m-%d %H:%M} UTC): "
                       f"{notice.title}")
        for _case_id, reference in report.reminders:
            click.echo(f"{'would remind' if dry_run else 'reminded'} the agent of {reference}: update due")
        if dry_run:
            click.echo(f"Dry run: {len(report.escalations)} question(s) would be escalated, "
                       f"{len(report.overdue)} response-overdue notice(s), "
                       f"{len(report.reminders)} update reminder(s); nothing changed.")
        else:
            click.echo(f"Escalated {report.escalated} question(s); {len(report.overdue)} response-overdue "
                       f"notice(s); {len(report.reminders)} update reminder(s); "
                       f"{report.offers} question offer(s) to members.")

    app.cli.add_command(group)


def register_insights_commands(app: Flask) -> None:
    group = click.Group("insights", help="The health console's daily rollups.")

    @group.command("rollup")
    @click.option("--day", "day_text", metavar="YYYY-MM-DD", help="The UTC day to roll up (default: yesterday).")
    @click.option("--days", type=click.IntRange(1, 366), default=None,
                  help="Roll up the last N full days instead (what the nightly task does).")
    def rollup(day_text: str | None, days: int | None) -> None:
        """Write the daily rollup of a full day, replacing an earlier one of that day.

        First erases the member ids of self-service records whose 24 hours are over (and deletes
        records and search gaps older than 90 days), as the nightly task does.
        """
        from datetime import date

        from forum.services import insight_facts, self_service
        from forum.transaction import unit_of_work

        if day_text and days:
            raise click.UsageError("Give --day or --days, not both.")
        try:
            chosen = [date.fromisoformat(day_text)] if day_text else insight_facts.recent_days(days or 1)
        except ValueError as exc:
            raise click.BadParameter("use a date such as 2026-11-30", param_hint="--day") from exc
        with unit_of_work():
            erased, deleted = self_service.forget()
        if erased or deleted:
            click.echo(f"Erased the member of {erased} self-service record(s); deleted {deleted} older than 90 days.")
        for day in chosen:
            try:
                with unit_of_work():
                    result = insight_facts.rollup_day(day)
            except ServiceError as exc:
                _fail(exc)
            click.echo(f"Rolled up {result.day.isoformat()}: {result.questions} question(s) asked, "
                       f"{result.products} product(s) with activity.")

    app.cli.add_command(group)


def register_digest_commands(app: Flask) -> None:
    group = click.Group("digests", help="Email digests (daily 07:00 member time, weekly on Monday).")

    @group.command("send")
    @click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
    @click.option("--now", "now_text", metavar="ISO-TIME",
                  help="Pretend it is this UTC time, e.g. 2026-11-23T07:05 (default: now).")
    def send(dry_run: bool, now_text: str | None) -> None:
        """Send the digests that are due now (what Celery beat runs every 15 minutes)."""
        from flask import current_app

        from forum.services import digests

        now = _parse_now(now_text)
        if dry_run:
            due = sending = 0
            for item in digests.preview(now):
                due += 1
                if item.new_count:
                    sending += 1
                    click.echo(f"would send {item.key} to {item.username} (#{item.user_id}): {item.subject}")
                else:
                    click.echo(f"nothing new for {item.username} (#{item.user_id}), {item.key}: nothing sent")
            click.echo(f"Dry run: {due} member(s) due, {sending} digest(s) would be sent.")
            return
        task = current_app.extensions["celery"].tasks["forum.tasks.send_digest_batch"]
        count = digests.fan_out_batches(lambda user_ids, period: task.apply_async(args=[user_ids, period]), now)
        click.echo(f"Enqueued {count} digest(s).")

    app.cli.add_command(group)
