"""Every Celery task: ids in, a service call out; idempotent and retried with backoff."""

import logging

from celery import shared_task

from forum.services import outbox

log = logging.getLogger(__name__)

MAX_RETRIES = outbox.MAX_ATTEMPTS


def _backoff(retries: int) -> int:
    return min(3600, 5 * 2 ** retries)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_RETRIES)
def deliver_outbox(self, message_id: int) -> None:
    """Perform one outbox message (once, however often it is delivered)."""
    try:
        outbox.deliver(message_id)
    except outbox.RetryLater as exc:
        if self.app.conf.task_always_eager:
            return  # in-process: never block the request with retries; the sweep comes back to it
        if self.request.retries >= self.max_retries:
            outbox.give_up(message_id, str(exc))
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Hand over outbox messages that never reached a worker (broker was down, worker died)."""
    return outbox.sweep()
