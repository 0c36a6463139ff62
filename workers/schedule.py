"""What celery beat starts, and when (Europe/Paris time, CELERY_TIMEZONE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "reconcile-jobs": {
        "task": "workers.tasks.reconcile_jobs",
        "schedule": 60.0,
    },
    "deadline-reminders": {
        "task": "dossiers.tasks.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "expiring-documents": {
        "task": "dossiers.tasks.warn_expiring_documents",
        "schedule": crontab(hour=8, minute=15),
    },
    "purge-abandoned-drafts": {
        "task": "dossiers.tasks.start_draft_purge",
        "schedule": crontab(hour=3, minute=30, day_of_week="sunday"),
    },
    "retry-webhook-deliveries": {
        "task": "webhooks.tasks.retry_due_deliveries",
        "schedule": 60.0,
    },
    # Instruction deadlines and retention (timerules): decisions at dawn, notices at 8:30.
    "act-on-expired-deadlines": {
        "task": "timerules.tasks.act_on_expired_deadlines",
        "schedule": crontab(hour=6, minute=0),
    },
    "deadline-notices": {
        "task": "timerules.tasks.send_deadline_notices",
        "schedule": crontab(hour=8, minute=30),
    },
    "retention": {
        "task": "timerules.tasks.run_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    "purge-idempotency-keys": {
        "task": "api.tasks.purge_idempotency_keys",
        "schedule": crontab(hour=4, minute=0),
    },
}
