"""Shared fixtures. Services: a test marked ``postgres``, ``redis`` or ``browser`` skips when the
service is missing, but fails when ``REQUIRE_SERVICES=1`` (CI's production-path run)."""

import dataclasses
import hashlib
import os
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from congress.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


# --- A migrated SQLite template, reused while the migrations are unchanged ---------------------
#
# Migrating an empty SQLite database takes 10-30 s of CPU (Django re-renders the model states
# after every operation of the big initial migrations). The first run keeps a copy of the
# migrated test database in var/test-db/, named after a hash of every installed app's migration
# files and Django's version; later runs copy it into the in-memory test database in
# milliseconds. Any added or edited migration changes the hash, so the next run migrates afresh.
# PostgreSQL does the same with a template database on the server (see
# ``_migrate_postgres_from_template``). TEST_DB_TEMPLATE=0 migrates in full.

TEMPLATE_DIR = Path(settings.VAR_DIR) / "test-db"


def migrations_fingerprint() -> str:
    import django
    from django.apps import apps

    digest = hashlib.sha256(django.get_version().encode())
    for app_config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        directory = Path(app_config.path) / "migrations"
        for path in sorted(directory.glob("*.py")) if directory.is_dir() else ():
            digest.update(f"{app_config.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _migrate_from_template(call_command):
    """Wrap the ``call_command`` Django's test-database creation uses, so its ``migrate`` of an
    in-memory SQLite database restores the template (made by the first real migrate)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    def wrapped(name, *args, **options):
        connection = connections[options.get("database", DEFAULT_DB_ALIAS)]
        if name == "migrate" and connection.vendor == "postgresql":
            return _migrate_postgres_from_template(connection, lambda: call_command(name, *args, **options))
        if name != "migrate" or connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return call_command(name, *args, **options)
        template = TEMPLATE_DIR / f"{migrations_fingerprint()}.sqlite3"
        connection.ensure_connection()
        _wait_for_template_builder(template)
        if template.exists():
            source = sqlite3.connect(template)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            return None
        result = call_command(name, *args, **options)
        TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
        partial = TEMPLATE_DIR / f"{template.stem}.{os.getpid()}.partial"
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, template)  # atomic: a concurrent run sees all of it or nothing
        for stale in TEMPLATE_DIR.glob("*.sqlite3"):
            if stale != template:
                stale.unlink(missing_ok=True)
        return result

    return wrapped


# On a fresh checkout every xdist worker would migrate on its own, at the same time. Instead the
# controller (idle until the workers have collected) starts one process that migrates an
# in-memory database and keeps it as the template, while the workers collect the tests; a worker
# that needs the template waits for that process (a marker file names it), then restores it, or
# migrates itself if the builder failed.

BUILD_TEMPLATE = """
import os, sqlite3, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
template, partial = sys.argv[1], sys.argv[2]
call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
target = sqlite3.connect(partial)
try:
    connection.connection.backup(target)
finally:
    target.close()
os.replace(partial, template)
for stale in os.listdir(os.path.dirname(template)):
    path = os.path.join(os.path.dirname(template), stale)
    if stale.endswith(".sqlite3") and path != template:
        os.unlink(path)
"""


def _builder_marker(template: Path) -> Path:
    return template.with_suffix(".building")


def _process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"  # a zombie has finished
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


def _wait_for_template_builder(template: Path, timeout: float = 600.0) -> None:
    marker = _builder_marker(template)
    deadline = time.monotonic() + timeout
    while not template.exists() and time.monotonic() < deadline:
        try:
            pid = int(marker.read_text())
        except (FileNotFoundError, ValueError):
            return
        if not _process_alive(pid):
            return
        time.sleep(0.1)


def _start_template_builder(config):
    """In the controller of an xdist run on SQLite, when no template exists: build it in the
    background (see above). Returns the process, or None."""
    import subprocess
    import sys

    if hasattr(config, "workerinput") or not isinstance(config.getoption("numprocesses", None), int):
        return None
    if (config.getoption("numprocesses") < 1 or config.getoption("nomigrations", False)
            or os.environ.get("TEST_DB_TEMPLATE", "1") == "0"
            or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"):
        return None
    template = TEMPLATE_DIR / f"{migrations_fingerprint()}.sqlite3"
    if template.exists():
        return None
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    partial = TEMPLATE_DIR / f"{template.stem}.{os.getpid()}.build.partial"
    env = {**os.environ, "DATABASE_URL": "sqlite://:memory:",
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "congress.settings")}
    process = subprocess.Popen([sys.executable, "-c", BUILD_TEMPLATE, str(template), str(partial)],
                               cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL)
    marker = _builder_marker(template)
    marker.with_suffix(".tmp").write_text(str(process.pid))
    os.replace(marker.with_suffix(".tmp"), marker)
    process.template = template
    process.partial = partial
    return process


def _finish_template_builder(process) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait()
    _builder_marker(process.template).unlink(missing_ok=True)
    process.partial.unlink(missing_ok=True)


def pytest_configure(config):
    config._template_builder = _start_template_builder(config)


def pytest_unconfigure(config):
    if getattr(config, "_template_builder", None) is not None:
        _finish_template_builder(config._template_builder)


def _migrate_postgres_from_template(connection, migrate):
    """PostgreSQL: the empty test database is dropped and made again as a copy (``CREATE
    DATABASE … TEMPLATE``) of a migrated template database on the server, named after the
    migrations' fingerprint and kept across runs (and shared by the xdist workers). The first run
    migrates and keeps its result as that template; templates of other fingerprints are dropped."""
    from django.db import DatabaseError

    test_name = connection.settings_dict["NAME"]
    prefix = f"{re.sub(r'_gw[0-9]+$', '', test_name)[:30]}_tpl_"
    template = prefix + migrations_fingerprint()
    quote = connection.ops.quote_name

    def on_server(*statements):
        with connection._nodb_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                       [prefix.replace("_", "\\_") + "%"])
        existing = {row[0] for row in cursor.fetchall()}
    connection.close()
    if template in existing:
        on_server(f"DROP DATABASE {quote(test_name)}",
                  f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
        return None
    result = migrate()
    connection.close()  # a database being copied must have no connections
    partial = f"{template}_{os.getpid()}"
    try:
        on_server(f"CREATE DATABASE {quote(partial)} TEMPLATE {quote(test_name)}")
        try:
            on_server(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(template)}")
        except DatabaseError:  # another worker or run kept its copy first
            on_server(f"DROP DATABASE IF EXISTS {quote(partial)}")
    except DatabaseError:
        pass  # no template this time: the next run migrates again
    for stale in existing:
        if not stale.startswith(template):
            try:
                on_server(f"DROP DATABASE IF EXISTS {quote(stale)}")
            except DatabaseError:
                pass  # still in use by a run of other migrations: dropped by a later run
    return result


@pytest.fixture(scope="session")
def _sqlite_test_db_template(django_db_use_migrations):
    """Active only while pytest-django creates the test databases (see ``django_db_setup``)."""
    from django.core import management

    original = management.call_command
    if django_db_use_migrations and os.environ.get("TEST_DB_TEMPLATE", "1") != "0":
        management.call_command = _migrate_from_template(original)

    def restore():
        management.call_command = original

    yield restore
    restore()


@pytest.fixture(scope="session")
def django_db_setup(_sqlite_test_db_template, django_db_setup):
    """pytest-django's test databases, restored from the migrated template (SQLite file or
    PostgreSQL template database)."""
    _sqlite_test_db_template()
    yield


# --- The demo county, loaded once per session and shared -----------------------------------------

SHARED_DEMO = "demo_county"


@contextmanager
def rolled_back(django_db_blocker):
    """An outer transaction held across several tests and rolled back when the block ends: data
    made inside it is shared by those tests, each of which runs in a savepoint of its own
    (pytest-django's ``db``) rolled back after it. Transactional tests cannot run inside it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _demo_county_session(django_db_setup, django_db_blocker):
    from congress.demo import load_demo

    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock():
            ctx = load_demo()
        yield ctx


@pytest.fixture
def demo_county(_demo_county_session, db):
    """The whole demo county as ``load_demo()`` makes it, loaded once per test session (per xdist
    worker) instead of once per test. Tests that use it run after every other test (see
    ``pytest_collection_modifyitems``), so no other test ever sees its rows, and each runs in a
    savepoint rolled back after it. Returns the ``DemoContext`` with fresh model instances."""
    from congress.models import County, Township

    ctx = _demo_county_session
    return dataclasses.replace(
        ctx,
        county=County.objects.get(pk=ctx.county.pk),
        townships={slug: Township.objects.get(pk=t.pk) for slug, t in ctx.townships.items()},
        accounts=list(ctx.accounts),
        log=list(ctx.log),
    )


# --- rows the data migrations seed survive a transactional test's flush -------------------------
#
# A transactional test (``transactional_db``, ``live_server``: the browser journeys) empties every
# table when it ends, the rows the data migrations made included. In one process pytest-django
# runs those tests last, but an xdist worker may run the browser group first, and the tests after
# it would miss the preset 八有/六有/九有 sets and the default categories. ``flush`` sends
# ``post_migrate``; this receiver, connected only in tests, seeds them again with the migrations'
# own functions (idempotent ``get_or_create``).

SEED_MIGRATIONS = {
    "suggestions": ("suggestions.migrations.0002_default_categories", "add_categories"),
    "liaison_stations": ("liaison_stations.migrations.0003_preset_standard_sets", "load"),
}


def _reseed_after_flush(sender, **kwargs):
    from importlib import import_module

    from django.apps import apps

    if sender.label in SEED_MIGRATIONS:
        module, function = SEED_MIGRATIONS[sender.label]
        getattr(import_module(module), function)(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _seeds_survive_flush():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reseed_after_flush, dispatch_uid="tests.reseed_after_flush")
    yield
    post_migrate.disconnect(dispatch_uid="tests.reseed_after_flush")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in names
        or "live_server" in names
    )


# --- pytest-xdist: tests that must share one worker ---------------------------------------------
#
# ``make test`` runs two xdist workers with ``--dist loadgroup``. The browser tests go to one
# worker, one after another, so two Chromiums never compete for the machine's two cores (the
# journeys wait 15 s at most for a page); a module with a module-scoped demo goes to one worker,
# so that demo is loaded once. xdist 3.8 marks its groups by renaming the test ids, which pytest 9
# no longer allows, so the groups are given here, by test file, to the scheduler (it runs in the
# controller process, which sees test ids only). Never put a ``demo_county`` test in a group:
# groups are handed out first, and those tests must come last on their worker.

ONE_WORKER_MODULES = {"tests/sessions_app/test_demo.py"}


def xdist_group_of(nodeid: str) -> str | None:
    path = nodeid.split("::")[0]
    if path.startswith("tests/journeys/") or "browser" in Path(path).name:
        return "browser"
    if path in ONE_WORKER_MODULES:
        return path
    return None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class GroupedScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group_of(nodeid) or super()._split_scope(nodeid)

    return GroupedScheduling(config, log)


# The sweeps over every admin form and every URL (15 and 10 s each; the other demo tests take a
# second or less), longest first: the workers take them first among the demo tests.
LONG_SHARED_TESTS = (
    "tests/security/doors/test_admin_side_doors.py::test_admin_posts_change_only_what_change_allows",
    "tests/security/doors/test_access_matrix.py::test_role_url_method_matrix",
)


def pytest_collection_modifyitems(config, items):
    """Run the tests sharing the demo county last, so its outer transaction (open from the first
    of them to the end of the session) never holds rows another test could see. Under xdist
    every worker collects and reorders the same list, and the scheduler hands each worker its
    tests in that order (groups first), so on each worker they still come after all its others."""
    for item in items:
        if SHARED_DEMO in getattr(item, "fixturenames", ()) and xdist_group_of(item.nodeid):
            raise pytest.UsageError(f"{item.nodeid}: a {SHARED_DEMO} test cannot be in an xdist group")
    shared = [item for item in items if SHARED_DEMO in getattr(item, "fixturenames", ())]
    for item in shared:
        if _is_transactional(item):
            raise pytest.UsageError(
                f"{item.nodeid}: {SHARED_DEMO} is shared in a transaction; "
                "a transactional test must call load_demo() itself"
            )
    if shared:
        chosen = set(map(id, shared))
        # Longest first among them, so the last test a worker takes is a short one.
        shared.sort(key=lambda item: next(
            (n for n, prefix in enumerate(LONG_SHARED_TESTS) if item.nodeid.startswith(prefix)),
            len(LONG_SHARED_TESTS)))
        items[:] = [item for item in items if id(item) not in chosen] + shared


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The shared Chromium (tests/browser.py) stops after the last of consecutive browser tests,
    once the test's fixtures are torn down."""
    try:
        return (yield)
    finally:
        if item.get_closest_marker("browser") and (nextitem is None or not nextitem.get_closest_marker("browser")):
            from tests.browser import SHARED

            SHARED.stop()


def pytest_sessionfinish(session):
    import sys

    browser = sys.modules.get("tests.browser")
    if browser is not None:
        browser.SHARED.stop()


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            _missing("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not redis_available():
        _missing("this test needs Redis (set REDIS_URL=redis://...)")
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        _missing(f"this test needs Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "congress.sms.LocmemSmsBackend"
    settings.HEARTBEAT_SECONDS = 0  # no heartbeat threads from in-process workers (congress.heartbeat)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from congress.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox = []
    # Dashboard sections a previous test rendered from data it then rolled back (freshness).
    from django.core.cache import caches

    caches["dashboards"].clear()
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def poll(condition, timeout: float = 30.0, interval: float = 0.1):
    """Call ``condition`` until it returns something true or ``timeout`` seconds pass; returns
    what it last returned. While the in-process worker thread writes to SQLite's shared
    in-memory test database, a read from the test's thread is refused at once ("database table
    is locked", no busy wait in shared-cache mode): that read counts as "not yet"."""
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            value = None
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class _TaskTracker:
    """The ids of the tasks published (by this process) and finished (by the in-process worker)
    while a ``real_worker`` runs."""

    def __init__(self):
        self.published: set[str] = set()
        self.finished: set[str] = set()

    def on_publish(self, headers=None, **kwargs):
        if headers and headers.get("id"):
            self.published.add(headers["id"])

    def on_finish(self, task_id=None, **kwargs):
        self.finished.add(task_id)


_TASKS = _TaskTracker()


@pytest.fixture
def worker_settled(real_worker):
    """``worker_settled()`` waits until the real worker has finished every task published since
    it started (True), or 30 s pass (False): a test that sent a task twice asserts after both."""

    def settled(timeout: float = 30.0) -> bool:
        return bool(poll(lambda: _TASKS.published <= _TASKS.finished, timeout=timeout, interval=0.05))

    return settled


@pytest.fixture
def real_worker(transactional_db, monkeypatch):
    """A real Celery worker (thread, solo pool) on the configured broker — kombu's filesystem
    transport by default, Redis when REDIS_URL is set — consuming a queue of its own, so a
    developer's running worker cannot take the test's messages. Yields the queue name."""
    from celery.contrib.testing.worker import start_worker
    from kombu import Connection

    # Celery's blocking loop (the filesystem transport has no event loop) waits up to 2 s for a
    # message per cycle, and runs one more cycle after the stop flag: about 4 s of idle waiting
    # at every stop. The worker's broker connection waits at most 0.1 s per call here instead
    # (the filesystem transport then polls its folder every 0.1 s); the messages are the same.
    drain_events = Connection.drain_events

    def drain_briefly(self, timeout=None, **kwargs):
        return drain_events(self, timeout=min(timeout, 0.1) if timeout else timeout, **kwargs)

    monkeypatch.setattr(Connection, "drain_events", drain_briefly)

    if REQUIRE_SERVICES and not redis_available():
        pytest.fail("REQUIRE_SERVICES=1 but Redis is not reachable as the broker", pytrace=False)
    # One queue per test process: kombu's virtual transports keep exchange bindings per
    # process, so a second worker on a new queue in the same process would never be bound.
    queue = f"test-{os.getpid()}"
    from celery import signals
    from django.db import connections

    # The worker thread's own database connections must close after each task (a worker
    # started in-process gets no Django fix-up to do it), or PostgreSQL refuses to drop the
    # test database at the end of the run.
    def close_thread_connections(**kwargs):
        connections.close_all()

    signals.task_postrun.connect(close_thread_connections, weak=False)
    _TASKS.__init__()
    signals.after_task_publish.connect(_TASKS.on_publish, weak=False)
    signals.task_postrun.connect(_TASKS.on_finish, weak=False)
    previous_routes = celery_app.conf.task_routes
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_routes = {"*": {"queue": queue}}
    celery_app.amqp.flush_routes()  # the router caches the table of routes
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue],
                          shutdown_timeout=10):
            yield queue
    finally:
        celery_app.conf.task_routes = previous_routes
        celery_app.amqp.flush_routes()
        signals.task_postrun.disconnect(close_thread_connections)
        signals.after_task_publish.disconnect(_TASKS.on_publish)
        signals.task_postrun.disconnect(_TASKS.on_finish)
    