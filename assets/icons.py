"""Subset Bootstrap Icons to the icons this project uses (fontTools), and write their CSS.

Icons stay ``<i class="bi bi-NAME">`` in the templates (no template has to change); the font
holds only the glyphs used, found as ``bi-NAME`` in templates, Python and JavaScript, plus the
icons the portal menu registers (``portal_menu.register(label, url, "NAME", ...)``).
Writes static/dist/icons.woff2 and static/dist/icons.css. Run by ``make assets``.
"""

import json
import logging
import os
import re
import sys
from pathlib import Path

from fontTools import subset

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = HERE / "node_modules" / "bootstrap-icons" / "font"
DIST = ROOT / "static" / "dist"
USE = re.compile(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)\b")
SOURCES = ("templates/**/*.html", "*/templates/**/*.html", "*/**/*.py", "static/js/**/*.js")
SKIP = {".venv", "node_modules", "tests", "assets", "static"}


def used_names() -> set[str]:
    names = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            relative = path.relative_to(ROOT).parts
            if relative[0] in SKIP and not (relative[0] == "static" and relative[1] == "js"):
                continue
            names.update(USE.findall(path.read_text(encoding="utf-8", errors="ignore")))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")
    import django

    django.setup()
    from congress.portal_menu import registered_icons

    return names | set(registered_icons())


def main() -> None:
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    codepoints = json.loads((PACKAGE / "bootstrap-icons.json").read_text())
    names = used_names()
    unknown = sorted(names - codepoints.keys())
    names = sorted(names & codepoints.keys())
    if unknown:
        print("not a Bootstrap icon (ignored):", ", ".join(unknown))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.notdef_outline = False
    font = subset.load_font(str(PACKAGE / "fonts" / "bootstrap-icons.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[codepoints[name] for name in names])
    subsetter.subset(font)
    DIST.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(DIST / "icons.woff2"), options)
    banner = (PACKAGE / "bootstrap-icons.min.css").read_text().split("*/", 1)[0] + "*/"
    rules = "".join(f'.bi-{name}::before{{content:"\\{codepoints[name]:x}"}}' for name in names)
    css = (
        f"{banner}\n/* Only the {len(names)} icons used; made by assets/icons.py. */\n"
        '@font-face{font-display:block;font-family:bootstrap-icons;src:url("icons.woff2") '
        'format("woff2")}'
        '.bi::before,[class*=" bi-"]::before,[class^=bi-]::before{display:inline-block;'
        "font-family:bootstrap-icons!important;font-style:normal;font-weight:400!important;"
        "font-variant:normal;text-transform:none;line-height:1;vertical-align:-.125em;"
        "-webkit-font-smoothing:antialiased;-moz-osx-font-smoothing:grayscale}"
        f"{rules}\n"
    )
    (DIST / "icons.css").write_text(css)
    print(f"static/dist/icons.css: {len(names)} icons; icons.woff2: "
          f"{(DIST / 'icons.woff2').stat().st_size} bytes")


if __name__ == "__main__":
    main()
