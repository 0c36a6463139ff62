"""Celery tasks of the dossiers app: thin adapters over dossiers.notifications."""

from celery import shared_task

from dossiers import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notify_transition(transition_id: int) -> int:
    """E-mail the people concerned by one history row; returns the number of e-mails."""
    return notifications.notify_transition(transition_id)


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notify_message(message_id: int) -> int:
    """E-mail the other side of a request's thread about one new message."""
    from dossiers import messages

    return messages.notify_message(message_id)
