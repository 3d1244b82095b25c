"""The navigation as a registry: view modules add their entries, so a new feature brings its pages
without touching the layout. See docs/web.md"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigie.web.access import Scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # catalogue key
    path: str
    section: str
    order: int = 100
    action: str = "read"  # what the scope must allow to see the entry
    unrestricted: bool = False  # organisation-wide pages an agency member never sees
    available: bool = True  # False: listed as "coming later", not a link


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    order: int


@dataclass
class Nav:
    sections: dict[str, NavSection] = field(default_factory=dict)
    items: dict[str, NavItem] = field(default_factory=dict)

    def section(self, key: str, label: str, order: int) -> None:
        self.sections[key] = NavSection(key, label, order)

    def add(self, item: NavItem) -> None:
        """Add an entry, replacing one with the same key (a feature replacing its placeholder)."""
        if item.section not in self.sections:
            raise ValueError(f"unknown navigation section {item.section!r}")
        self.items[item.key] = item

    def for_scope(self, scope: Scope) -> list[tuple[NavSection, list[NavItem]]]:
        out = []
        for section in sorted(self.sections.values(), key=lambda s: s.order):
            items = sorted((i for i in self.items.values() if i.section == section.key
                            and scope.allows(i.action) and not (i.unrestricted and scope.restricted)),
                           key=lambda i: (i.order, i.key))
            if items:
                out.append((section, items))
        return out

    def active(self, path: str) -> str | None:
        """The key of the entry a page belongs to: the longest path prefix wins."""
        best: tuple[int, str] | None = None
        for item in self.items.values():
            inside = path == item.path or (item.path != "/" and path.startswith(item.path.rstrip("/") + "/"))
            if item.available and inside:
                if best is None or len(item.path) > best[0]:
                    best = (len(item.path), item.key)
        return best[1] if best else None


def default_nav() -> Nav:
    """The sections, and placeholders for the features that come later (each replaces its own)."""
    nav = Nav()
    nav.section("listen", "nav.section.listen", 10)
    nav.section("warn", "nav.section.warn", 20)
    nav.section("crisis", "nav.section.crisis", 30)
    nav.section("engage", "nav.section.engage", 40)
    nav.section("admin", "nav.section.admin", 90)
    for order, key in enumerate(("campaigns", "community", "audience", "reports")):
        nav.add(NavItem(key, f"nav.{key}", f"/{key}", "engage", order=order, available=False))
    return nav
