"""Celery tasks of the time rules: thin adapters over the services, run by celery beat.

Each may run twice (a re-run beat, a second worker, a redelivered message): the
services make the second run a no-op.
"""

from celery import shared_task
from django.utils import timezone

from timerules import deadlines, retention
from workers.tasks import PERIODIC


@shared_task(**PERIODIC)
def act_on_expired_deadlines() -> dict:
    return deadlines.act_on_expired(today=timezone.localdate())


@shared_task(**PERIODIC)
def send_deadline_notices() -> int:
    return deadlines.send_notices(today=timezone.localdate())


@shared_task(**PERIODIC)
def run_retention() -> dict:
    return retention.run(today=timezone.localdate())


@shared_task(**PERIODIC)
def recompute_campaign_deadlines(campaign_id: int) -> int:
    return deadlines.recompute_campaign(campaign_id)
