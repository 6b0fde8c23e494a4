"""Entry points: `gunicorn wsgi:app`, `celery -A wsgi.celery worker` and `celery -A wsgi.celery beat`."""

from forum import create_app

app = create_app()
celery = celery_app = app.extensions["celery"]
