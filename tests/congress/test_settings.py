"""Production settings: check --deploy passes with no warning; settings come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#k2!pQz9@wLm4$vN8^rT1&yB6*cD3(eF5)gH0-jK+sA_uI=oP~lZ",
    "ALLOWED_HOSTS": "rd.example.gov.cn",
    "SITE_URL": "https://rd.example.gov.cn",
}


def run_manage(*args, env=None):
    dropped = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env={"DEBUG": "0", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_demo_refused_in_production_mode_unless_forced():
    result = run_manage("load_demo", env=PROD_ENV)
    assert result.returncode != 0
    assert "拒绝载入演示数据" in result.stderr


def _settings_in_subprocess(env, expr):
    code = f"import django; django.setup(); from django.conf import settings as s; print(repr(({expr})))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "congress.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_redis_url_makes_redis_the_broker_results_and_cache():
    out = _settings_in_subprocess(
        {"REDIS_URL": "redis://cache.internal:6379/2", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
        "s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, s.CACHES['default']['BACKEND']",
    )
    assert out == (
        "('redis://cache.internal:6379/2', 'redis://cache.internal:6379/2', "
        "'django.core.cache.backends.redis.RedisCache')"
    )


def test_embedded_default_needs_no_server():
    out = _settings_in_subprocess(
        {"REDIS_URL": "", "DATABASE_URL": ""},
        "s.CELERY_BROKER_URL, s.DATABASES['default']['ENGINE'], s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ",
    )
    assert out == "('filesystem://', 'django.db.backends.sqlite3', 'zh-hans', 'Asia/Shanghai', True)"


def test_database_url_is_read():
    out = _settings_in_subprocess(
        {"DATABASE_URL": "postgres://u:p@db.internal:5432/congress"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST']",
    )
    assert out == "('django.db.backends.postgresql', 'db.internal')"
