"""The architecture, checked by walking the source (see docs/architecture.md).

- Python imports between apps go one way: congress ← deputies ← liaison_stations ← suggestions
  ← sessions_app; dashboards is a leaf that may read every app and that nobody imports.
- No app finds another at run time (``importlib.import_module``, ``__import__``, ``find_spec``).
- Only the suggestion transition runner (``suggestions.services._apply``) assigns a
  suggestion's ``state``.
- Every dependency in pyproject.toml is imported (or run) somewhere.
"""

import ast
import functools
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["congress", "deputies", "liaison_stations", "suggestions", "sessions_app"]
LEAF = "dashboards"
APPS = [*LAYERS, LEAF]


@functools.cache
def _parse(path: Path, source: str) -> ast.Module:
    """One parse per file and content for the whole run (the checks below only read the trees)."""
    return ast.parse(source, filename=str(path))


def _modules(*packages):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, _parse(path, path.read_text(encoding="utf-8"))


def _imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _allowed(importer: str, imported: str) -> bool:
    if importer == imported or imported not in APPS:
        return True
    if imported == LEAF:
        return False
    if importer == LEAF:
        return True
    return LAYERS.index(imported) < LAYERS.index(importer)


def test_layer_rule_itself():
    assert _allowed("suggestions", "deputies") and _allowed("dashboards", "suggestions")
    assert not _allowed("congress", "deputies") and not _allowed("deputies", "liaison_stations")
    assert not _allowed("suggestions", "dashboards") and not _allowed("suggestions", "sessions_app")


def test_apps_import_only_downwards():
    wrong = []
    for path, tree in _modules(*APPS):
        importer = path.relative_to(ROOT).parts[0]
        for lineno, name in _imported_names(tree):
            if not _allowed(importer, name.split(".")[0]):
                wrong.append(f"{path.relative_to(ROOT)}:{lineno} imports {name}")
    assert not wrong, "imports against the architecture:\n" + "\n".join(wrong)


def test_no_app_is_found_at_run_time():
    wrong = []
    for path, tree in _modules(*APPS):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in {"import_module", "__import__", "find_spec"}:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, "dynamic imports: " + ", ".join(wrong)


# --- state is assigned in one place ------------------------------------------------------------

RUNNER = ("suggestions/services.py", "_apply")
WRITE_CALLS = {"Suggestion", "create", "update", "get_or_create", "update_or_create", "bulk_create"}


def _state_assignments(tree):
    """(line, enclosing function) of every ``x.state = …``, ``setattr(x, "state", …)`` and
    ``state=…`` keyword given to a write (``Suggestion(…)``, ``.create``, ``.update`` …)."""
    found = []

    def visit(node, function):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in ast.walk(target):
                if isinstance(element, ast.Attribute) and element.attr == "state" and isinstance(element.ctx, ast.Store):
                    found.append((node.lineno, function))
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name == "setattr" and len(node.args) > 1 and getattr(node.args[1], "value", None) == "state":
                found.append((node.lineno, function))
            if name in WRITE_CALLS and any(k.arg == "state" for k in node.keywords):
                found.append((node.lineno, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


def test_detector_finds_each_form_of_state_assignment():
    source = (
        "def f(s):\n    s.state = 'closed'\n"
        "def g(s):\n    setattr(s, 'state', 'closed')\n"
        "def h():\n    Suggestion.objects.filter(pk=1).update(state='closed')\n"
        "def k():\n    Suggestion(title='x', state='closed')\n"
        "def ok():\n    Suggestion.objects.filter(state='closed')\n"
    )
    assert [f for _, f in _state_assignments(ast.parse(source))] == ["f", "g", "h", "k"]


def test_only_the_transition_runner_assigns_state():
    """Other models' ``state`` fields would be caught too: none exist, and a new one should get
    its own name or its own runner."""
    wrong = []
    for path, tree in _modules(*APPS):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        for lineno, function in _state_assignments(tree):
            if (relative, function) != RUNNER:
                wrong.append(f"{relative}:{lineno} in {function}()")
    assert not wrong, "state assigned outside suggestions.services._apply:\n" + "\n".join(wrong)
    runner = dict(_modules("suggestions"))[ROOT / RUNNER[0]]
    assert [f for _, f in _state_assignments(runner)] == ["_apply"]


# --- every dependency is used -------------------------------------------------------------------

# Distributions used as programs rather than imported.
RUN_AS_COMMAND = {"gunicorn": "gunicorn", "honcho": "honcho"}
# Drivers Django or Celery load from a URL in the settings (database, broker, cache).
LOADED_BY_URL = {"psycopg": "postgres://", "redis": "RedisCache"}


def _dependency_names(specs):
    return [re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0] for spec in specs]


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _import_names(dist: str) -> set[str]:
    names = {module for module, dists in _packages_distributions().items()
             if dist.lower().replace("_", "-") in {d.lower().replace("_", "-") for d in dists}}
    assert names, f"{dist} is not installed"
    return names


def _used_top_level_names(packages) -> set[str]:
    return set(_used_top_level_names_of(tuple(packages)))


@functools.cache
def _used_top_level_names_of(packages: tuple[str, ...]) -> frozenset[str]:
    used = set()
    for _, tree in _modules(*packages):
        for _, name in _imported_names(tree):
            used.add(name.split(".")[0])
        for node in ast.walk(tree):  # INSTALLED_APPS, MIDDLEWARE and other dotted paths
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[\w.]+", node.value):
                used.add(node.value.split(".")[0])
    return frozenset(used)


def _runner_files() -> str:
    names = ["Procfile", "Procfile.production", "Makefile", "Dockerfile", "docker-compose.yml"]
    return "\n".join((ROOT / n).read_text(encoding="utf-8") for n in names if (ROOT / n).exists())


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("dist", _dependency_names(PYPROJECT["project"]["dependencies"]))
def test_each_dependency_is_imported(dist):
    if dist in RUN_AS_COMMAND:
        assert re.search(rf"\b{RUN_AS_COMMAND[dist]}\b", _runner_files()), f"{dist} is never run"
        return
    if dist in LOADED_BY_URL:
        settings = (ROOT / "congress" / "settings.py").read_text(encoding="utf-8") + _runner_files()
        assert LOADED_BY_URL[dist] in settings, f"no setting loads {dist}"
        return
    used = _used_top_level_names([*APPS, "bench"])
    assert _import_names(dist) & used, f"{dist} is in pyproject.toml but never imported"


@pytest.mark.parametrize("dist", _dependency_names(PYPROJECT["project"]["optional-dependencies"]["dev"]))
def test_each_dev_dependency_is_imported_by_tests(dist):
    if dist in {"pytest-django"}:  # a plugin: configured, not imported
        assert "DJANGO_SETTINGS_MODULE" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        return
    if dist in {"pytest-xdist"}:  # a plugin: `make test` runs its workers
        assert re.search(r"pytest -n \S+ .*--dist loadgroup", _runner_files()), "make test does not use pytest-xdist"
        return
    used = _used_top_level_names(["tests"])
    assert _import_names(dist) & used, f"{dist} is a dev dependency but no test imports it"
