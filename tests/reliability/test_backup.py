"""The restore drill: back up the demo (database + media), restore it into a fresh database and
compare every table's row count and checksum, and every media file."""

import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connections

from congress.backup import backup_restore, media_stats, read_manifest, table_stats
from congress.demo import load_demo


@pytest.fixture
def fresh_alias(transactional_db, tmp_path):
    """A second, empty database of the same engine, registered under its own alias."""
    default = connections["default"].settings_dict
    alias = f"fresh_{uuid.uuid4().hex[:8]}"
    config = {**default}
    if connections["default"].vendor == "postgresql":
        config["NAME"] = f"{default['NAME']}_{alias}"
        base = ["-h", default["HOST"] or "127.0.0.1", "-p", str(default["PORT"] or 5432), "-U", default["USER"] or "postgres"]
        subprocess.run(["createdb", *base, config["NAME"]], check=True)
    else:
        config["NAME"] = str(tmp_path / "fresh.sqlite3")
    config.setdefault("TEST", {})
    connections.settings[alias] = config
    connections[alias].connect()  # pytest-django only lets declared aliases connect lazily
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]
    if connections["default"].vendor == "postgresql":
        subprocess.run(["dropdb", *base, "--if-exists", config["NAME"]], check=True)


def _restore_drill(tmp_path, settings, fresh_alias):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    photo = settings.MEDIA_ROOT / "suggestions" / "photos" / "2026" / "05" / "a.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    call_command("backup", output_dir=str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("congress-backup-*.tar.gz")
    manifest = read_manifest(archive)
    assert manifest["tables"] == table_stats(connections["default"])
    assert sum(t["rows"] for t in manifest["tables"].values()) > 1000
    assert set(manifest["media"]) == {"suggestions/photos/2026/05/a.jpg"}

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    result = backup_restore(archive=archive, alias=fresh_alias)
    assert result["problems"] == []
    assert table_stats(connections[fresh_alias]) == manifest["tables"]
    assert media_stats(settings.MEDIA_ROOT) == manifest["media"]


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_drill(tmp_path, settings, fresh_alias):
    if connections["default"].vendor != "sqlite":
        pytest.skip("the SQLite drill; PostgreSQL runs its own below")
    _restore_drill(tmp_path, settings, fresh_alias)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_drill_on_postgresql(tmp_path, settings, fresh_alias):
    _restore_drill(tmp_path, settings, fresh_alias)


@pytest.mark.django_db
def test_restore_reports_what_differs(tmp_path, settings):
    from congress.backup import compare

    expected = {"tables": {"a": {"rows": 2, "checksum": "x"}, "b": {"rows": 1, "checksum": "y"}},
                "media": {"p.jpg": "z"}}
    actual = {"tables": {"a": {"rows": 1, "checksum": "x"}}, "media": {}}
    assert compare(expected, actual) == [
        "数据表 a 行数不符:备份 2,恢复后 1", "缺少数据表 b", "附件 p.jpg 缺失或内容不符",
    ]
