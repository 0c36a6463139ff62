"""Celery tasks of the job infrastructure itself: thin adapters (STYLE rule 5).

The periodic ones are scheduled in ``workers.schedule``.
"""

from celery import shared_task

from workers import reconcile
from workers.jobs import PERIODIC


@shared_task(**PERIODIC)  # type: ignore[untyped-decorator]
def reconcile_jobs() -> dict[str, int]:
    return reconcile.reconcile().as_dict()
