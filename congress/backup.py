"""Backup and restore of the whole platform: the database and the uploaded media, in one dated
archive (``congress-backup-YYYYmmdd-HHMMSS.tar.gz``).

The archive holds ``manifest.json`` (engine, time, every table's row count and checksum, every
media file's SHA-256), the database (``database.dump`` from ``pg_dump --format=custom`` on
PostgreSQL; ``database.sqlite3`` from SQLite's online backup API, safe while the site runs) and
``media/``. ``restore`` puts both back and then checks every table and file against the manifest,
so a restore drill ends with a clear "校验通过" or a list of what differs.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is in Chinese."""


# --- Checksums ----------------------------------------------------------------------------------


def _normalise(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _stats(cursor, tables, quote) -> dict[str, dict]:
    stats = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)}")
        rows = sorted(repr(tuple(_normalise(v) for v in row)) for row in cursor.fetchall())
        stats[table] = {"rows": len(rows), "checksum": hashlib.sha256("\n".join(rows).encode()).hexdigest()}
    return stats


def table_stats(connection) -> dict[str, dict]:
    """Row count and an order-independent checksum of every table of a database."""
    if connection.vendor == "sqlite":
        # Read a consistent copy with the plain driver (no Django type converters).
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "copy.sqlite3"
            connection.ensure_connection()
            dest = sqlite3.connect(copy)
            connection.connection.backup(dest)
            dest.close()
            return sqlite_file_stats(copy)
    with connection.cursor() as cursor:
        return _stats(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def sqlite_file_stats(path: Path) -> dict[str, dict]:
    con = sqlite3.connect(path)
    try:
        cursor = con.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        return _stats(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
    finally:
        con.close()


def media_stats(root: Path) -> dict[str, str]:
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def compare(expected: dict, actual: dict) -> list[str]:
    """Chinese lines for every table or media file that differs (empty: identical)."""
    problems = []
    for table, want in expected["tables"].items():
        got = actual["tables"].get(table)
        if got is None:
            problems.append(f"缺少数据表 {table}")
        elif got["rows"] != want["rows"]:
            problems.append(f"数据表 {table} 行数不符:备份 {want['rows']},恢复后 {got['rows']}")
        elif got["checksum"] != want["checksum"]:
            problems.append(f"数据表 {table} 内容校验值不符")
    for name, digest in expected["media"].items():
        if actual["media"].get(name) != digest:
            problems.append(f"附件 {name} 缺失或内容不符")
    return problems


# --- Database dumps -----------------------------------------------------------------------------


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _run(cmd: list[str], env: dict) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"找不到 {cmd[0]},请安装 PostgreSQL 客户端工具(postgresql-client)。") from None
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} 执行失败:{result.stderr.strip()[:2000]}")


def _dump_database(connection, folder: Path) -> tuple[str, dict]:
    """Dump the database into ``folder``; returns the file name and the table stats of exactly
    the data dumped (PostgreSQL: pg_dump reads the snapshot our stats transaction exported)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        connection.ensure_connection()
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(target),
                  *_pg_args(db), db["NAME"]], _pg_env(db))
            stats = table_stats(connection)
        return target.name, stats
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        connection.connection.backup(dest)  # the online backup API: safe while the site runs
        dest.close()
        return target.name, sqlite_file_stats(target)
    raise BackupError(f"不支持的数据库类型:{connection.vendor}")


def _restore_database(connection, dump: Path) -> None:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", db["NAME"], *_pg_args(db), str(dump)], _pg_env(db))
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        source.backup(connection.connection)
        source.close()
        return
    raise BackupError(f"不支持的数据库类型:{connection.vendor}")


# --- Commands' work -----------------------------------------------------------------------------


def backup_create(*, output_dir: Path | None = None, alias: str = "default", include_media: bool = True) -> Path:
    """Write a dated archive of the database and media; returns its path."""
    connection = connections[alias]
    output_dir = Path(output_dir or getattr(settings, "BACKUP_DIR", settings.VAR_DIR / "backups"))
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"congress-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dump_name, tables = _dump_database(connection, folder)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database_file": dump_name,
            "tables": tables,
            "media": media_stats(media_root) if include_media else {},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(folder / dump_name, arcname=dump_name)
            if include_media:
                for name in manifest["media"]:
                    tar.add(media_root / name, arcname=f"media/{name}")
        partial.rename(archive)
    return archive


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile(MANIFEST))


def backup_restore(*, archive: Path, alias: str = "default") -> dict:
    """Replace the database and the media with the archive's, then verify every table and file
    against the manifest. Returns {"manifest": …, "problems": [...]} (empty problems: identical)."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}")
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        folder = Path(tmp)
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"备份来自 {manifest['engine']} 数据库,不能恢复到 {connection.vendor}。")
        _restore_database(connection, folder / manifest["database_file"])
        if (folder / "media").is_dir():
            if media_root.exists():
                shutil.rmtree(media_root)
            shutil.copytree(folder / "media", media_root)
    actual = {"tables": table_stats(connection), "media": media_stats(media_root)}
    return {"manifest": manifest, "problems": compare(manifest, actual)}
