"""The tiles on the portal home page. Each feature app adds entries for the roles that use it,
so the home page never links to something a user may not open."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    icon: str
    allowed: object  # a predicate taking the user
    order: int = 50

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_ENTRIES: list[MenuEntry] = []


def register(label: str, url_name: str, icon: str, allowed, order: int = 50) -> None:
    """Add a tile; lower ``order`` comes first (feature tiles 50, account tiles 90)."""
    if any(e.url_name == url_name for e in _ENTRIES):
        return
    _ENTRIES.append(MenuEntry(label, url_name, icon, allowed, order))


def registered_icons() -> list[str]:
    """The Bootstrap Icons names of every tile (the icon font is subset to the icons used)."""
    return [entry.icon for entry in _ENTRIES]


def portal_menu_for(user) -> list[dict]:
    menu = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        url = entry.url()
        if url and entry.allowed(user):
            menu.append({"label": entry.label, "url": url, "icon": entry.icon})
    return menu
