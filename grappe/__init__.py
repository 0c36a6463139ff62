# Load Celery with Django so that @shared_task binds to Grappe's app.
from workers.celery_app import app as celery_app

__all__ = ["celery_app"]
