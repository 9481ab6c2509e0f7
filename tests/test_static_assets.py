"""The built static files (``make assets``) cover what the templates use, and production serves
them compressed (gzip and brotli) with immutable far-future caching of the hashed names."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

ROOT = Path(settings.BASE_DIR)
DIST = ROOT / "static" / "dist"
TEMPLATES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
APPS = ("congress", "deputies", "liaison_stations", "suggestions", "sessions_app", "dashboards")
PYTHON = [path for app in APPS for path in (ROOT / app).glob("**/*.py")]
REBUILD = "run `make assets` and commit static/dist/"


def _class_tokens() -> set[str]:
    tokens = set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for value in re.findall(r'class="([^"]*)"', text):
            value = re.sub(r"{%.*?%}|{{.*?}}", " ", value)
            tokens.update(value.split())
    for path in PYTHON:
        text = path.read_text(encoding="utf-8")
        for value in re.findall(r"""(?:css_class|field_class|label_class|["']class["'])\s*[=:]\s*["']([^"']+)["']""", text):
            tokens.update(value.split())
    return tokens


def _icon_names() -> set[str]:
    from congress.portal_menu import registered_icons

    pattern = re.compile(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)\b")
    names = set(registered_icons())
    for path in [*TEMPLATES, *PYTHON, *ROOT.glob("static/js/*.js")]:
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_bootstrap_class_used_survives_the_trimming():
    bootstrap = set((ROOT / "assets" / "bootstrap-classes.txt").read_text().split())
    css = (DIST / "site.css").read_text() + (DIST / "icons.css").read_text()
    used = _class_tokens() & bootstrap
    assert {"btn", "container", "alert"} <= used  # the scan finds the classes at all
    missing = sorted(c for c in used if not re.search(rf"\.{re.escape(c)}(?![\w-])", css))
    assert not missing, f"Bootstrap classes used but trimmed away: {missing}; {REBUILD}"


def test_every_icon_used_is_in_the_subset_font():
    from fontTools.ttLib import TTFont

    css = (DIST / "icons.css").read_text()
    rules = dict(re.findall(r'\.bi-([a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}', css))
    names = _icon_names()
    assert {"bank2", "bell"} <= names
    missing = sorted(names - rules.keys())
    assert not missing, f"icons used but not in static/dist/icons.css: {missing}; {REBUILD}"
    cmap = TTFont(DIST / "icons.woff2").getBestCmap()
    assert all(int(code, 16) in cmap for code in rules.values())
    assert len(cmap) == len(rules)  # only the icons used


def test_no_page_loads_the_full_vendor_builds():
    head = (ROOT / "templates" / "partials" / "head.html").read_text()
    assert "dist/site.css" in head and "dist/icons.css" in head
    assert not (ROOT / "static" / "vendor" / "bootstrap" / "bootstrap.min.css").exists()
    assert not list((ROOT / "static").glob("**/*.map"))


@pytest.fixture
def collected(settings, tmp_path):
    """collectstatic into a temporary STATIC_ROOT with production's storage (the project's own
    static/ only: compressing the admin's files too would add seconds and prove nothing more)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_production_serves_hashed_files_compressed_and_immutable(collected, settings):
    from django.templatetags.static import static
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.DEBUG = False
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse("not static", status=404))
    factory = RequestFactory()
    hashed = static("dist/site.css")
    assert re.search(r"/dist/site\.[0-9a-f]{12}\.css$", hashed), hashed
    assert (collected / hashed.removeprefix(settings.STATIC_URL)).with_suffix(".css.br").exists()

    response = middleware(factory.get(hashed, HTTP_ACCEPT_ENCODING="gzip, deflate, br"))
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]

    gzipped = middleware(factory.get(hashed, HTTP_ACCEPT_ENCODING="gzip"))
    assert gzipped["Content-Encoding"] == "gzip"

    # The unhashed name stays revalidated: it may change with the next deploy.
    plain = middleware(factory.get(settings.STATIC_URL + "dist/site.css"))
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]

    # The icon font referenced from the CSS is rewritten to its hashed name.
    icons = static("dist/icons.css")
    css = (collected / icons.removeprefix(settings.STATIC_URL)).read_text()
    assert re.search(r'url\("icons\.[0-9a-f]{12}\.woff2"\)', css)


def test_html_is_gzipped(client, db):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
