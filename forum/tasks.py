"""Every Celery task: ids in, a service call out; idempotent and retried with backoff.

Each run that writes is one unit of work (forum/transaction.py): it commits when the run
succeeds and rolls back when it raises, so a retry starts from what the failed run left
committed. The beat tasks that only read and enqueue (`sweep_outbox`, `send_digests`) need none.
"""

import logging

from celery import shared_task

from forum.services import outbox
from forum.transaction import unit_of_work

log = logging.getLogger(__name__)

MAX_RETRIES = outbox.MAX_ATTEMPTS


def _backoff(retries: int) -> int:
    return min(3600, 5 * 2 ** retries)


def _sending_what_went(send) -> None:
    """Run a digest delivery as one unit of work that commits even when the mail server gives up.

    Mail already sent can't be called back, so its claims must commit with the run; the
    delivery released the claims of the unsent ones before raising MailUnavailable, which
    is re-raised after the commit for the task to retry.
    """
    from forum import mail

    failure: mail.MailUnavailable | None = None
    with unit_of_work():
        try:
            send()
        except mail.MailUnavailable as exc:
            failure = exc
    if failure is not None:
        raise failure


def attempt_delivery(message_id: int) -> outbox.RetryLater | None:
    """One attempt at an outbox message: its own unit of work, and on failure another that records it.

    Returns the handler's RetryLater when the message should be tried again. An unexpected
    error counts as a failed attempt too, so it backs off and gives up like any other failure
    instead of coming back with every sweep.
    """
    try:
        with unit_of_work():
            outbox.deliver(message_id)
    except outbox.RetryLater as exc:
        failure = exc
    except Exception as exc:
        log.exception("outbox message %s failed", message_id)
        failure = outbox.RetryLater(f"{type(exc).__name__}: {exc}")
    else:
        return None
    with unit_of_work():  # the attempt rolled back; its failure is recorded on its own
        if failure.record is not None:
            failure.record()
        outbox.record_failure(message_id, str(failure))
    return failure


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_RETRIES)
def deliver_outbox(self, message_id: int) -> None:
    """Perform one outbox message (once, however often it is delivered)."""
    failure = attempt_delivery(message_id)
    if failure is None or self.app.conf.task_always_eager:
        return  # in-process: never block the request with retries; the sweep comes back to it
    if self.request.retries >= self.max_retries:
        with unit_of_work():
            outbox.give_up(message_id, str(failure))
        return
    raise self.retry(exc=failure, countdown=_backoff(self.request.retries)) from failure


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Hand over outbox messages that never reached a worker (broker was down, worker died)."""
    return outbox.sweep()


@shared_task(ignore_result=True)
def send_digests() -> int:
    """Beat, every 15 minutes: enqueue one `send_digest_batch` per batch of members whose 07:00 has come."""
    from flask import current_app

    from forum.services import digests

    task = current_app.extensions["celery"].tasks[send_digest_batch.name]
    return digests.fan_out_batches(lambda user_ids, period: task.apply_async(args=[user_ids, period]))


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_RETRIES)
def send_digest_batch(self, user_ids: list[int], period: str) -> None:
    """Send a batch of members' digests for one period (each section read once); claims make repeats send nothing."""
    from forum import mail
    from forum.services import digests

    try:
        _sending_what_went(lambda: digests.deliver_many(user_ids, period))
    except mail.MailUnavailable as exc:
        if self.app.conf.task_always_eager:
            log.warning("digests for %s members (%s) not all sent: %s; the next run retries", len(user_ids), period,
                        exc)
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_RETRIES)
def send_digest(self, user_id: int, period: str) -> None:
    """Send one member's digest for one period; the DigestDelivery row makes repeats send nothing."""
    from forum import mail
    from forum.services import digests

    try:
        _sending_what_went(lambda: digests.deliver(user_id, period))
    except mail.MailUnavailable as exc:
        if self.app.conf.task_always_eager:
            log.warning("digest for member %s (%s) not sent: %s; the next run retries", user_id, period, exc)
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(ignore_result=True)
def care_run() -> int:
    """Beat, every 5 minutes: announce overdue first responses, escalate questions past their product's
    threshold, remind agents of lapsed cadences."""
    from forum.services.care import run
    from forum.transaction import unit_of_work

    with unit_of_work():
        report = run.run()
    log.info("care run: %s escalated, %s response-overdue notices, %s update reminders", report.escalated,
             len(report.overdue), len(report.reminders))
    return report.escalated


@shared_task(ignore_result=True)
def rollup_insights() -> int:
    """Beat, nightly: roll up the last INSIGHTS_ROLLUP_DAYS full days (re-rolling replaces them), a day per commit,
    after erasing the member ids of self-service events whose 24 hours are over."""
    from flask import current_app

    from forum.services import insight_facts, self_service
    from forum.transaction import unit_of_work

    with unit_of_work():
        self_service.forget()
    days = insight_facts.recent_days(current_app.config["INSIGHTS_ROLLUP_DAYS"])
    for day in days:
        with unit_of_work():
            insight_facts.rollup_day(day)
    log.info("insights rollup: %s day(s) up to %s", len(days), days[-1] if days else None)
    return len(days)
