"""The Celery application. Broker: Redis at REDIS_URL; nothing configured runs tasks eagerly."""

import logging
import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

from workers.schedule import BEAT_SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):  # type: ignore[misc]  # Celery has no type information
    """``delay_on_commit`` that never turns a committed action into an error page.

    The broker can be down after the user's transaction has committed: the error is
    logged and the message dropped. Work that must not be lost is a ``workers`` job,
    whose row stays queued until the reconciler sends it.
    """

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(lambda: self._apply_quietly(args, kwargs))

    def apply_async_on_commit(self, args: Any = None, kwargs: Any = None, **options: Any) -> None:
        transaction.on_commit(lambda: self._apply_quietly(args, kwargs, **options))

    def _apply_quietly(self, args: Any, kwargs: Any, **options: Any) -> None:
        try:
            self.apply_async(args, kwargs, **options)
        except (OperationalError, OSError) as exc:
            logger.error("Task %s not sent, the broker is unreachable: %s", self.name, exc)


app = Celery("grappe", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks()
