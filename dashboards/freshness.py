"""Rendered dashboard sections reused exactly until the data under them changes.

A county page is a few dozen small reads of counters and a 50 × 33 table to render; the data
under it changes a few hundred times a day, while it is opened far more often. So the rendered
sections are kept (:func:`cached_section`) together with a *token* of the database state they
were built from, and reused only while no change has been committed since: every figure still
reflects every committed change on the next page load, and a repeat load renders nothing.

How a change is seen. Database triggers on every table the dashboards read (:func:`watched_tables`:
the tables of the apps with figures, less the bookkeeping tables listed in :data:`UNWATCHED`)
write a :class:`dashboards.models.ChangeMark` in the writing transaction itself, whatever the door
— services, admin, raw SQL, the demo loader, a data migration, a bulk import:

* PostgreSQL: a statement trigger inserts the transaction's id (one row per transaction, no
  shared row, so writers never wait on each other). The token is the reader's snapshot
  (``txid_current_snapshot()``) taken *before* the section's reads; the section is still fresh
  while no mark exists of a transaction that this snapshot did not see as committed — which
  also covers a transaction that was running when the section was built and committed later.
* SQLite (one writer at a time): a row trigger sets the single mark's token to a new random
  number; the section is fresh while the token is unchanged.

A reader whose own transaction has written (tests, or a view inside ``atomic`` after a write)
sees uncommitted data: it neither reads nor stores a section. The sections live in the
process's own memory (the ``dashboards`` cache, so a reused section costs no network round trip);
each process checks freshness itself, so several web processes never disagree. Marks older
than a day are pruned daily (:func:`prune`); a section is kept at most an hour.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.apps import apps
from django.core.cache import caches
from django.db import connection as default_connection
from django.utils import timezone

from .models import ChangeMark

CACHE_ALIAS = "dashboards"
SECTION_TTL = 3600  # seconds; marks are kept for a day (prune), far longer
MARK_TABLE = ChangeMark._meta.db_table
WATCHED_APPS = ("congress", "deputies", "liaison_stations", "sessions_app", "suggestions")
# Tables of those apps that no dashboard figure reads and that change all day long (logins,
# notices, sweeps, rate limits): a write there leaves the sections as they are.
UNWATCHED = frozenset({
    "congress_user", "congress_user_groups", "congress_user_user_permissions", "congress_notification",
    "congress_noticechanneldefault", "congress_noticepreference", "congress_delivery", "congress_heartbeat",
    "congress_idempotencykey", "congress_ratecounter", "congress_phonereveal", "congress_exportjob",
    "suggestions_reminder", "suggestions_citizencallback",
})


def watched_tables() -> list[str]:
    """Every table of the apps with figures (many-to-many tables included), less the audit
    history tables and :data:`UNWATCHED`."""
    tables = set()
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            table = model._meta.db_table
            if "_historical" not in table and table not in UNWATCHED:
                tables.add(table)
    return sorted(tables)


def _trigger(table: str) -> str:
    return f"dashboards_mark_{table}"[:63]


POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dashboards_mark_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO {MARK_TABLE} (xid, token, marked_at) VALUES (txid_current(), 0, now())
        ON CONFLICT (xid) DO NOTHING;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""


def install(connection) -> None:
    """Create (or replace) the triggers on every watched table present (idempotent; run after
    every ``migrate``, as SQLite drops a table's triggers when it rebuilds it)."""
    present = set(connection.introspection.table_names())
    if MARK_TABLE not in present:
        return
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in watched_tables():
                if table in present:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {q(_trigger(table))} ON {q(table)}")
                    cursor.execute(
                        f"CREATE TRIGGER {q(_trigger(table))} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                        f"ON {q(table)} FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_change()")
        else:
            mark = (f"INSERT INTO {MARK_TABLE} (xid, token, marked_at) VALUES (0, random(), CURRENT_TIMESTAMP) "
                    f"ON CONFLICT (xid) DO UPDATE SET token = excluded.token, marked_at = excluded.marked_at;")
            for table in watched_tables():
                if table in present:
                    for event in ("INSERT", "UPDATE", "DELETE"):
                        name = q(f"{_trigger(table)}_{event.lower()}")
                        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                        cursor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {q(table)} BEGIN {mark} END")


def uninstall(connection) -> None:
    """Drop every mark trigger (when the marks table is migrated away)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT trigger_name, event_object_table FROM information_schema.triggers "
                           "WHERE trigger_name LIKE 'dashboards_mark_%%'")
            for name, table in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {q(name)} ON {q(table)}")
            cursor.execute("DROP FUNCTION IF EXISTS dashboards_mark_change()")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dashboards_mark_%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {q(name)}")


def installed_tables(connection) -> set[str]:
    """The tables that carry a mark trigger now (for the checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT event_object_table FROM information_schema.triggers "
                           "WHERE trigger_name LIKE 'dashboards_mark_%%'")
        else:
            cursor.execute("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE 'dashboards_mark_%'")
        return {row[0] for row in cursor.fetchall()}


# --- reading ------------------------------------------------------------------------------------


def _state(connection, token: str | None) -> tuple[bool, str, bool]:
    """(this transaction has written, the token now, something committed since ``token``) in
    one query."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT txid_current_if_assigned() IS NOT NULL, txid_current_snapshot()::text, "
                f"CASE WHEN %s::text IS NULL THEN true ELSE EXISTS (SELECT 1 FROM {MARK_TABLE} "
                f"WHERE xid >= txid_snapshot_xmin(%s::txid_snapshot) "
                f"AND NOT txid_visible_in_snapshot(xid, %s::txid_snapshot)) END", [token, token, token])
            wrote, now, changed = cursor.fetchone()
            return wrote, now, changed
        cursor.execute(f"SELECT token FROM {MARK_TABLE} WHERE xid = 0")
        row = cursor.fetchone()
        now = str(row[0] if row else 0)
        return connection.in_atomic_block, now, token != now


def cached_section(key: str, build: Callable[[], str], *, connection=None) -> str:
    """The HTML ``build()`` returns, reused while nothing it may have read has changed."""
    connection = connection or default_connection
    cache = caches[CACHE_ALIAS]
    entry = cache.get(key)
    wrote, now, changed = _state(connection, entry[0] if entry else None)
    if entry and not wrote and not changed:
        return entry[1]
    html = build()  # read after ``now``: a change committed meanwhile makes the next check miss
    if not wrote:
        cache.set(key, (now, html), SECTION_TTL)
    return html


def prune(now: datetime.datetime | None = None) -> int:
    """Delete the PostgreSQL marks older than a day (a section is never older than an hour, so
    no freshness check needs them). Returns the number deleted."""
    now = now or timezone.now()
    deleted, _ = ChangeMark.objects.filter(xid__gt=0, marked_at__lt=now - datetime.timedelta(days=1)).delete()
    return deleted
