"""System checks for deployment settings (run by ``manage.py check``, runserver, migrate)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

SITE_URL_ID = "congress.E101"


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(deploy=False)
def check_site_url(app_configs, **kwargs):
    """In production (DEBUG=0) SITE_URL must be the public address: links sent where no request
    exists (SMS, e-mail, Celery tasks) are built from it, and a loopback address would reach no
    citizen's phone. Pages shown in a browser use the request's own host instead."""
    if settings.DEBUG:
        return []
    site_url = (getattr(settings, "SITE_URL", "") or "").strip()
    parts = urlsplit(site_url)
    if not site_url or parts.scheme not in ("http", "https") or not parts.hostname:
        return [Error(
            f"生产模式(DEBUG=0)必须设置 SITE_URL 为平台的公网地址(当前为“{site_url}”)。",
            hint="例如 SITE_URL=https://rd.example.gov.cn;短信、邮件和后台任务中的链接由它生成。",
            id=SITE_URL_ID,
        )]
    if _is_loopback(parts.hostname):
        return [Error(
            f"SITE_URL 指向本机地址({site_url}),群众和代表的手机无法打开短信、邮件中的链接。",
            hint="把 SITE_URL 设为平台的公网地址,例如 https://rd.example.gov.cn。",
            id=SITE_URL_ID,
        )]
    return []


SECRET_KEY_ID = "congress.E110"
# Keys published somewhere (this repository, Django's templates): never a production key.
KNOWN_PLACEHOLDER_KEYS = frozenset({
    "change-me-to-a-long-random-string-of-at-least-fifty-characters-0123456789",
    "django-insecure-dev-only-key-never-use-in-production-0123456789abcdef",
    "change-me", "changeme", "secret", "your-secret-key", "please-change-me",
})


def _example_keys() -> set[str]:
    """SECRET_KEY values written in .env.example (whatever they become in later edits)."""
    path = settings.BASE_DIR / ".env.example"
    if not path.is_file():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "SECRET_KEY" and value.strip():
            keys.add(value.strip().strip("'\""))
    return keys


@register("security", deploy=True)
def check_secret_key_placeholder(app_configs, **kwargs):
    """``check --deploy`` fails on a SECRET_KEY copied from .env.example or another known
    placeholder (Django's own W009 only looks at length and the django-insecure prefix)."""
    key = settings.SECRET_KEY or ""
    lowered = key.lower()
    if key in KNOWN_PLACEHOLDER_KEYS | _example_keys() or "change-me" in lowered or "changeme" in lowered:
        return [Error(
            "SECRET_KEY 仍是示例/占位密钥,任何人都能伪造会话和密码重置链接。",
            hint='请生成新的随机密钥,例如:python -c "import secrets; print(secrets.token_urlsafe(50))"',
            id=SECRET_KEY_ID,
        )]
    return []
