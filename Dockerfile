# Production image: one image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=grappe.settings
WORKDIR /app

COPY pyproject.toml README.md ./
COPY grappe grappe
COPY accounts accounts
COPY dossiers dossiers
COPY grouping grouping
COPY exports exports
COPY intake intake
COPY workers workers
COPY portals portals
COPY api api
COPY webhooks webhooks
COPY aids aids
COPY costs costs
COPY providers providers
COPY guides guides
COPY demo demo
COPY timerules timerules
COPY reading reading
COPY locale locale
COPY manage.py ./
RUN pip install --no-cache-dir . \
    && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app grappe && mkdir -p /data/private && chown grappe /data/private

USER grappe
EXPOSE 8000
CMD ["gunicorn", "grappe.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
