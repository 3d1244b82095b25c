"""The docs keep up with the code: settings, hooks, commands and connectors are all documented."""

from pathlib import Path

import click
import pytest

from vigie import hookspecs
from vigie.cli import cli
from vigie.plugins import source_classes
from vigie.settings import SETTINGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    assert f"`{setting.name}`" in (DOCS / "settings.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", [n for n in dir(hookspecs) if n.startswith(("register_", "prepare_"))])
def test_every_hook_is_documented(hook):
    assert f"`{hook}`" in (DOCS / "plugins.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "vigie") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_documented(command):
    assert command in _all_docs()


@pytest.mark.parametrize("connector", sorted(source_classes()))
def test_every_connector_is_documented(connector):
    text = _all_docs()
    assert f"`{connector}`" in text
