"""CSP with nonces and a Permissions-Policy on every kind of page; no inline script or handler in
any template the platform ships (they would be blocked)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.congress.conftest import World

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
BARE_BLOCK = re.compile(r"<(script|style)(?![^>]*\b(src|nonce)=)[^>]*>", re.I)


def _templates():
    for directory in TEMPLATE_DIRS:
        if ".venv" in directory.parts:
            continue
        yield from directory.rglob("*.html")


def test_templates_have_no_inline_handlers_or_unnonced_blocks():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_HANDLER, BARE_BLOCK):
            for match in pattern.finditer(text):
                if 'type="application/json"' in match.group(0) or "json_script" in match.group(0):
                    continue
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not offenders, "\n".join(offenders)


@pytest.fixture
def world(db):
    return World()


def _check(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert "microphone=()" in response["Permissions-Policy"]
    html = response.content.decode()
    nonces = set(re.findall(r'<(?:script|style)[^>]*\bnonce="([^"]+)"', html))
    for nonce in nonces:
        assert f"'nonce-{nonce}'" in csp


def test_security_headers_on_public_portal_admin_pages(world, client):
    for url in (reverse("public:home"), reverse("portal:login"), reverse("admin:login"),
                reverse("suggestions_public:submit", args=[world.a.slug]), "/no-such-page/"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        _check(response)
    client.force_login(world.staff_a)
    for url in (reverse("admin:index"), reverse("admin:congress_department_changelist"), reverse("portal:home")):
        response = client.get(url)
        assert response.status_code == 200, url
        _check(response)
