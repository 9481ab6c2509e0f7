FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/app/var/media
WORKDIR /app
# pg_dump/pg_restore for manage.py backup/restore, matching docker-compose's postgres:16
# (Debian's own client is 15, which refuses to dump a 16 server).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends postgresql-client-16 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 congress
COPY . .
RUN pip install -c constraints.txt -e . \
 && DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/backups && chown -R congress /app/var
USER congress
EXPOSE 8000
CMD ["gunicorn", "congress.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
