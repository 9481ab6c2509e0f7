"""The figure registry is the only place a figure is computed: every surface reads it, the
口径说明 page and docs/dashboards.md are generated from it."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from suggestions import counters
from suggestions import figures as registry
from tests.factories import CountyFactory, TownshipFactory, county_viewer_of, deputy_with_account, staff_of

pytestmark = pytest.mark.django_db

SENTINEL = Decimal("12.3")
COUNT = 7


@pytest.fixture
def world():
    county = CountyFactory()
    townships = [TownshipFactory(county=county), TownshipFactory(county=county)]
    return county, townships, county_viewer_of(county), staff_of(townships[0])


@pytest.fixture
def fixed_registry(monkeypatch):
    """Every count of the registry is 7 and every rate 12.3%: a surface that computes a figure
    itself instead of reading the registry shows something else."""

    def compute(group=None, *, townships=None, **kwargs):
        fixed = registry.Figures({key: COUNT for key in registry.COUNTS})
        if group is None:
            return {None: fixed}
        if group == "township_id":
            return {getattr(t, "pk", t): registry.Figures(dict(fixed.counts)) for t in townships}
        return {}

    monkeypatch.setattr(registry, "compute", compute)
    monkeypatch.setattr(registry, "percent", lambda part, whole: SENTINEL)
    # The dashboards read the registry's counts from the counters kept with every change.
    monkeypatch.setattr(counters, "_figures", lambda sums: registry.Figures({key: COUNT for key in registry.COUNTS}))


def test_every_surface_reads_its_suggestion_figures_from_the_registry(client, world, fixed_registry):
    from dashboards.selectors import COLUMNS

    county, townships, viewer, staff = world
    suggestion_columns = [c for c in COLUMNS if c.key in registry.FIGURES]
    assert {c.key for c in suggestion_columns} >= set(registry.RATES)
    client.force_login(viewer)
    overview = client.get(reverse("dashboards:county")).context["overview"]
    for row in [*overview.rows, overview.totals]:
        for c in suggestion_columns:
            assert row[c.key] == (SENTINEL if c.fmt == "pct" else COUNT), c.key
    rows = [list(r) for r in load_workbook(io.BytesIO(
        client.get(reverse("dashboards:county"), {"export": "overview"}).content)).active.iter_rows(values_only=True)]
    header = rows[1]
    for r in rows[2:]:
        for c in suggestion_columns:
            assert r[header.index(c.label)] == (float(SENTINEL) if c.fmt == "pct" else COUNT), c.key
    client.force_login(staff)
    response = client.get(reverse("dashboards:annex", args=[townships[0].slug]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"全年共收到各类建议和问题{COUNT}件,交办承办单位办理{COUNT}件,办复率12.3%,按期办复率12.3%" in text
    assert f"全年共收到代表建议{COUNT}件" in text and "办结率12.3%" in text
    page = client.get(reverse("dashboards:township", args=[townships[0].slug])).content.decode()
    assert "12.3%" in page


def test_no_figure_is_computed_outside_the_registry():
    """Percentages only in congress/figures.py; suggestions counted (Count over Suggestion rows)
    only in suggestions/figures.py — checked over the source of every app, views and exports
    included."""
    root = Path(settings.BASE_DIR)
    offenders = []
    percentage = re.compile(r"\*\s*100\b|\b100\s*\*|ROUND_HALF|quantize\(Decimal\(\"0\.1\"\), rounding")
    for app in ("congress", "deputies", "liaison_stations", "suggestions", "sessions_app", "dashboards"):
        for path in (root / app).rglob("*.py"):
            rel = path.relative_to(root).as_posix()
            if "/migrations/" in rel or rel in {"congress/figures.py", "suggestions/figures.py"}:
                continue
            source = path.read_text(encoding="utf-8")
            for number, line in enumerate(source.splitlines(), 1):
                if percentage.search(line):
                    offenders.append(f"{rel}:{number}: {line.strip()}")
            reads_suggestions = re.search(r"import[^\n]*\bSuggestion\b|Suggestion\.objects", source)
            if reads_suggestions and "Count(" in source:
                offenders.append(f"{rel}: counts suggestions")
    assert not offenders, "\n".join(offenders)


def test_docs_table_is_generated_from_the_registry():
    call_command("figures_doc", check=True)
    text = (Path(settings.BASE_DIR) / "docs" / "dashboards.md").read_text(encoding="utf-8")
    for f in registry.FIGURES.values():
        assert f.definition in text, f.key


def test_definitions_page_lists_every_figure_and_is_linked_from_every_dashboard(client, world):
    from dashboards.selectors import COLUMNS

    county, townships, viewer, staff = world
    url = reverse("dashboards:definitions")
    client.force_login(viewer)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for c in COLUMNS:
        assert c.definition in html, c.key
    for f in registry.FIGURES.values():
        assert f.definition in html, f.key
    assert url in client.get(reverse("dashboards:county")).content.decode()
    records = reverse("dashboards:records", args=["dispatched"]) + f"?township={townships[0].slug}"
    assert url in client.get(records).content.decode()
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("dashboards:township", args=[townships[0].slug])).content.decode()
    client.force_login(deputy_with_account(townships[0]).user)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_rates_divide_counts_of_the_same_period_and_round_half_up():
    for rate in registry.RATES.values():
        assert registry.COUNTS[rate.numerator].period_field == registry.COUNTS[rate.denominator].period_field
    f = registry.Figures({"replied": 2, "dispatched": 3, "closed": 1})
    assert f.reply_rate == Decimal("66.7") and f.closure_rate == Decimal("33.3")
    assert registry.Figures().reply_rate is None
