"""A Celery client whose broker is a closed port: the outage the broker tests simulate."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery

from forum.services import outbox

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def unreachable_celery() -> Celery:
    """A real Redis-transport client that cannot connect.

    Celery prefers the CELERY_BROKER_URL environment variable over a configured `broker_url`
    (celery.app.utils.Settings.broker_url), and the services suite sets that variable; the
    read and write URLs set here win over it, so the outage is real in both test modes.
    """
    app = Celery("outage", broker=CLOSED_PORT_BROKER)
    app.conf.update(broker_read_url=CLOSED_PORT_BROKER, broker_write_url=CLOSED_PORT_BROKER,
                    task_always_eager=False, broker_connection_timeout=1, broker_connection_retry=False,
                    broker_transport_options={"socket_connect_timeout": 1, "max_retries": 0})
    return app


@contextmanager
def broker_down(app) -> Iterator[None]:
    """Work committed meanwhile stays in the outbox (as during a broker outage), in both test modes.

    Also keeps the services suite's worker away from those rows, so a test can deliver them itself.
    """
    working = app.extensions[outbox.DISPATCH_EXTENSION]

    def refuse(message_id: int) -> None:
        raise ConnectionError("broker unreachable")

    outbox.set_dispatcher(app, refuse)
    try:
        yield
    finally:
        outbox.set_dispatcher(app, working)
