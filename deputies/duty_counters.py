"""Duty-record counters (:class:`deputies.models.DutyMonth`, :class:`deputies.models.DeputyYear`)
kept by database triggers on ``deputies_dutyrecord``: every insert, update and delete — through
the services, a queryset delete, a bulk import or the demo loader — moves them in the same
transaction. The SQL is plain so that a migration can install it (PostgreSQL and SQLite).
A deputy who moves to another township keeps his past records counted under the old one until
:func:`rebuild` (``manage.py figures_recount``)."""

RECORD = "deputies_dutyrecord"


def _pg_side(row: str, sign: int) -> str:
    return f"""
    INSERT INTO deputies_dutymonth (township_id, year, month, kind, n)
        SELECT township_id, EXTRACT(YEAR FROM {row}.date)::int, EXTRACT(MONTH FROM {row}.date)::int, {row}.kind, {sign}
        FROM deputies_deputy WHERE id = {row}.deputy_id
        ON CONFLICT (township_id, year, month, kind) DO UPDATE SET n = deputies_dutymonth.n + excluded.n;
    INSERT INTO deputies_deputyyear (deputy_id, year, n)
        VALUES ({row}.deputy_id, EXTRACT(YEAR FROM {row}.date)::int, {sign})
        ON CONFLICT (deputy_id, year) DO UPDATE SET n = deputies_deputyyear.n + excluded.n;"""


POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION deputies_duty_count() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {_pg_side("OLD", -1)}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {_pg_side("NEW", 1)}
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS deputies_duty_count ON {RECORD}",
    f"CREATE TRIGGER deputies_duty_count AFTER INSERT OR UPDATE OR DELETE ON {RECORD} "
    "FOR EACH ROW EXECUTE FUNCTION deputies_duty_count()",
]


def _sqlite_side(row: str, sign: int) -> str:
    return f"""
    INSERT INTO deputies_dutymonth (township_id, year, month, kind, n)
        SELECT township_id, CAST(strftime('%Y', {row}.date) AS INTEGER), CAST(strftime('%m', {row}.date) AS INTEGER),
               {row}.kind, {sign}
        FROM deputies_deputy WHERE id = {row}.deputy_id
        ON CONFLICT (township_id, year, month, kind) DO UPDATE SET n = n + excluded.n;
    INSERT INTO deputies_deputyyear (deputy_id, year, n)
        SELECT {row}.deputy_id, CAST(strftime('%Y', {row}.date) AS INTEGER), {sign} WHERE 1
        ON CONFLICT (deputy_id, year) DO UPDATE SET n = n + excluded.n;"""


SQLITE = [
    "DROP TRIGGER IF EXISTS deputies_duty_insert",
    "DROP TRIGGER IF EXISTS deputies_duty_update",
    "DROP TRIGGER IF EXISTS deputies_duty_delete",
    f"CREATE TRIGGER deputies_duty_insert AFTER INSERT ON {RECORD} BEGIN {_sqlite_side('NEW', 1)} END",
    f"CREATE TRIGGER deputies_duty_update AFTER UPDATE ON {RECORD} BEGIN {_sqlite_side('OLD', -1)}"
    f" {_sqlite_side('NEW', 1)} END",
    f"CREATE TRIGGER deputies_duty_delete AFTER DELETE ON {RECORD} BEGIN {_sqlite_side('OLD', -1)} END",
]

if_year = {"postgresql": "EXTRACT(YEAR FROM r.date)::int", "sqlite": "CAST(strftime('%Y', r.date) AS INTEGER)"}
if_month = {"postgresql": "EXTRACT(MONTH FROM r.date)::int", "sqlite": "CAST(strftime('%m', r.date) AS INTEGER)"}


def install(connection) -> None:
    """Create (or replace) the triggers."""
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild(connection) -> None:
    """Recount both tables from the duty records (inside the caller's transaction)."""
    year, month = if_year[connection.vendor], if_month[connection.vendor]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {RECORD} IN SHARE MODE")
        cursor.execute("DELETE FROM deputies_dutymonth")
        cursor.execute("DELETE FROM deputies_deputyyear")
        cursor.execute(
            f"INSERT INTO deputies_dutymonth (township_id, year, month, kind, n) "
            f"SELECT d.township_id, {year}, {month}, r.kind, COUNT(*) FROM {RECORD} r "
            f"JOIN deputies_deputy d ON d.id = r.deputy_id GROUP BY d.township_id, {year}, {month}, r.kind")
        cursor.execute(
            f"INSERT INTO deputies_deputyyear (deputy_id, year, n) "
            f"SELECT r.deputy_id, {year}, COUNT(*) FROM {RECORD} r GROUP BY r.deputy_id, {year}")


def differences(connection) -> list[tuple]:
    """[(table, cell, stored, recounted)] where the counters differ from the duty records."""
    year, month = if_year[connection.vendor], if_month[connection.vendor]
    queries = {
        "dutymonth": (
            "SELECT township_id, year, month, kind, n FROM deputies_dutymonth WHERE n <> 0",
            f"SELECT d.township_id, {year}, {month}, r.kind, COUNT(*) FROM {RECORD} r "
            f"JOIN deputies_deputy d ON d.id = r.deputy_id GROUP BY d.township_id, {year}, {month}, r.kind"),
        "deputyyear": (
            "SELECT deputy_id, year, n FROM deputies_deputyyear WHERE n <> 0",
            f"SELECT r.deputy_id, {year}, COUNT(*) FROM {RECORD} r GROUP BY r.deputy_id, {year}"),
    }
    diffs = []
    with connection.cursor() as cursor:
        for table, (stored_sql, recount_sql) in queries.items():
            cursor.execute(stored_sql)
            have = {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}
            cursor.execute(recount_sql)
            want = {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}
            diffs += [(table, k, have.get(k, 0), want.get(k, 0)) for k in sorted(set(have) | set(want), key=str)
                      if have.get(k, 0) != want.get(k, 0)]
    return diffs
