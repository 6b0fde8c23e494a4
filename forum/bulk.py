"""Many rows in one INSERT … RETURNING, with the returned values in the order of the rows given.

Batch work (the care run writes a case, its events, an audit entry, notifications and outbox
messages for each of thousands of questions) needs the new ids back to chain one insert into the
next. SQLAlchemy sends such an insert as pages of multi-row VALUES statements, and psycopg parses
each page's placeholders anew, which the care benchmark (`bench/care.py`, figures in
`bench/RESULTS.md`) showed to be most of a PostgreSQL run. On PostgreSQL this module sends one
statement instead that unnests one array per column; SQLite keeps SQLAlchemy's path, which is
already fast there.

Order: the SELECT feeds rows in the order given (`ORDER BY` the unnest ordinality), so a sequence
hands out ascending ids in that order; sorting the returned rows by the primary key gives them back
in the order of `rows` (the same guarantee SQLAlchemy's own `sort_by_parameter_order` relies on).
A table whose key is not generated (say, a question id) gets its rows back in key order.
"""

from collections.abc import Sequence

from sqlalchemy import Column, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum.extensions import db


def insert_returning(model: type, rows: list[dict], returning: Sequence[str] = ("id",), *,
                     conflict_index: Sequence[str] | None = None) -> list[tuple]:
    """Insert `rows` (dicts with the same keys) into `model`'s table and return the `returning`
    columns of each inserted row, in the order of `rows`.

    With `conflict_index`, rows that clash with an existing one on that unique index are skipped
    (ON CONFLICT DO NOTHING) and have no tuple in the result. Flushes nothing of the session's own.
    """
    if not rows:
        return []
    table = model.__table__
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql":
        statement = sqlite_insert(table) if conflict_index else insert(table)
        if conflict_index:
            statement = statement.on_conflict_do_nothing(index_elements=list(conflict_index))
        result = db.session.execute(statement.returning(*(table.c[name] for name in returning)), rows)
        return [tuple(row) for row in result]
    return _unnest_insert(table, rows, list(returning), conflict_index, dialect)


def _unnest_insert(table, rows: list[dict], returning: list[str], conflict_index, dialect) -> list[tuple]:
    columns = [table.c[name] for name in rows[0]]
    given = {column.name for column in columns}
    defaults = [column for column in table.c if column.name not in given and _python_default(column) is not None]
    params, arrays, names = {}, [], []
    for n, column in enumerate(columns + defaults):
        process = column.type.bind_processor(dialect)
        if column in defaults:
            value = _python_default(column)
            values = [value() if callable(value) else value] * len(rows)
        else:
            values = [row.get(column.name) for row in rows]
        params[f"c{n}"] = [process(v) for v in values] if process else values
        arrays.append(f"CAST(:c{n} AS {column.type.compile(dialect=dialect)}[])")
        names.append(column.name)
    aliases = ", ".join(f"v{n}" for n in range(len(names)))
    conflict = f" ON CONFLICT ({', '.join(conflict_index)}) DO NOTHING" if conflict_index else ""
    key = table.primary_key.columns.keys()[0]
    wanted = returning if key in returning else [*returning, key]
    # Identifiers come from the model's table; every value is a bound array.
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608
           f"SELECT {aliases} FROM unnest({', '.join(arrays)}) WITH ORDINALITY AS given({aliases}, position) "
           f"ORDER BY position{conflict} RETURNING {', '.join(wanted)}")
    found = db.session.execute(text(sql), params).all()
    order = wanted.index(key)
    return [tuple(row[wanted.index(name)] for name in returning) for row in sorted(found, key=lambda r: r[order])]


def _python_default(column: Column):
    """A column's client-side default as a value or a zero-argument callable (None: it has none, or
    the database supplies it)."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    if default.is_scalar:
        return default.arg
    return lambda: default.arg(None)
