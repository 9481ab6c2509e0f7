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
