"""Grappe's project package: settings, URLs and the helpers every app shares.

The Celery application is loaded by the workers app when Django starts
(``workers.apps.WorkersConfig.ready``), so that ``@shared_task`` binds to it.
"""
