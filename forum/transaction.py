"""The entry point owns the transaction: one unit of work per request action, CLI command or task.

Services add, change and flush rows; they never commit, so two use cases compose in either
order inside one unit of work and succeed or fail together. The outermost `unit_of_work()`
commits once (or rolls back when anything inside raises); nested ones join it. Side effects
recorded in the outbox (`forum.services.outbox.defer`) are handed to the worker only after
that commit, by the session listeners in `forum/services/outbox.py`.

This module holds the project's only `commit()` outside migrations and benchmarks
(`tests/unit/test_layering.py` enforces it).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from forum.extensions import db

_DEPTH = "unit_of_work_depth"

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did when the outermost block ends; roll it all back if it raises."""
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        info[_DEPTH] = depth


def transactional(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` (a CLI command, a task, a view) as one unit of work."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper
