"""`flask …` commands (DESIGN §10): each one calls a service."""

import getpass

import click
from flask import Flask

from forum.models import Role
from forum.services import accounts, tokens
from forum.services.errors import ServiceError


def _fail(exc: ServiceError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    raise click.ClickException(f"{exc.message} {details}".strip())


def register_commands(app: Flask) -> None:
    register_reputation_commands(app)

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.argument("email")
    @click.option("--password", envvar="ADMIN_PASSWORD", help="Prompted for when not given.")
    def create_admin(username: str, email: str, password: str | None) -> None:
        """Create a site admin account."""
        password = password or getpass.getpass("Password (10+ characters): ")
        try:
            user = accounts.register(username, email, password, role=Role.ADMIN)
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"Admin {user.username} created.")

    @app.cli.command("set-role")
    @click.argument("username")
    @click.argument("role", type=click.Choice([r.value for r in Role]))
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
    def create_token(username: str, name: str) -> None:
        """Create a personal API token for a member and print it (shown once)."""
        user = accounts.find_by_username(username)
        if user is None:
            raise click.ClickException(f"No member called {username}.")
        try:
            click.echo(tokens.create_token(user, name))
        except ServiceError as exc:
            _fail(exc)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has members.")
    def seed_demo(if_empty: bool) -> None:
        """Fill the database with a demo community (products, members, questions, answers, votes)."""
        from forum.services import demo

        if if_empty and accounts.count_users():
            click.echo("The database already has members; demo content not added.")
            return
        summary = demo.seed()
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
    def recompute() -> None:
        """Repair cached reputation totals from the ledger."""
        from forum.services import verification

        click.echo(f"Repaired {verification.recompute()} cached total(s).")

    app.cli.add_command(group)
