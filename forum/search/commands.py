"""`flask search …`: rebuild the index from the database, or show what it holds."""

import click
from flask import Flask, current_app

from forum.search import EXTENSION, indexing
from forum.transaction import transactional


def register_search_commands(app: Flask) -> None:
    group = click.Group("search", help="Build and inspect the search index.")

    @group.command("reindex")
    @click.option("--batch-size", default=500, show_default=True, type=click.IntRange(10, 10_000),
                  help="Threads read from the database per batch.")
    @transactional
    def reindex(batch_size: int) -> None:
        """Rebuild the whole search index from the database (searches keep working meanwhile)."""
        backend = current_app.extensions[EXTENSION]
        with click.progressbar(length=indexing.rebuild_size(), label=f"Indexing ({backend.name})",
                               show_pos=True) as bar:
            total = indexing.rebuild(backend, batch_size=batch_size, progress=bar.update)
        click.echo(f"{total} documents indexed.")

    @group.command("status")
    def status() -> None:
        """Say which backend is in use and how many documents it holds."""
        backend = current_app.extensions[EXTENSION]
        where = getattr(backend, "directory", "the search_documents table")
        click.echo(f"{backend.name}: {backend.count()} documents in {where}")

    app.cli.add_command(group)
