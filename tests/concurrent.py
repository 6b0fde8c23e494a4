"""Run jobs at the same moment in threads, each with its own database session and unit of work (race tests)."""

import threading
from collections.abc import Callable

from flask import current_app

from forum.extensions import db
from forum.transaction import unit_of_work


def at_once(jobs: list[Callable[[], object]], timeout: float = 120) -> list:
    """Start every job behind one barrier; return each one's result or the exception it raised.

    The order of the list is the order the jobs finished in, not the order given.
    """
    app = current_app._get_current_object()
    barrier = threading.Barrier(len(jobs))
    outcomes: list = []

    def worker(job):
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():  # each job is an entry point of its own (a request, a task)
                    result = job()
                outcomes.append(result)
            except BaseException as exc:
                outcomes.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes
