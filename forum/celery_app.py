"""Celery, wired the way Flask's "Background Tasks with Celery" pattern shows.

Every task runs inside an application context. Without CELERY_BROKER_URL tasks run
in-process (`task_always_eager`), so the embedded default needs no broker.
"""

import importlib

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    from forum import tasks
    from forum.services import outbox

    for module in app.config["OUTBOX_HANDLER_MODULES"]:  # extra handlers a deployment (or the tests) adds
        importlib.import_module(module).init_app(app)

    def dispatch(message_id: int) -> None:
        # Through this Celery app's own task object, so the task runs in this Flask app's context.
        celery_app.tasks[tasks.deliver_outbox.name].apply_async(args=[message_id], retry=False)
        if not celery_app.conf.task_always_eager:
            outbox.mark_dispatched(message_id)
            if app.config["OUTBOX_WAIT_SECONDS"]:
                outbox.wait_until_attempted(message_id, app.config["OUTBOX_WAIT_SECONDS"])

    outbox.set_dispatcher(app, dispatch)
    if celery_app.conf.task_always_eager and app.config["OUTBOX_SWEEP_SECONDS"] and not app.testing:
        started: list = []

        @app.before_request
        def _start_sweeper() -> None:
            # Only a process that serves requests sweeps (not CLI commands or tests).
            if not started:
                started.append(outbox.start_sweeper(app, app.config["OUTBOX_SWEEP_SECONDS"]))
    return celery_app
