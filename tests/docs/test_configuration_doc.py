"""docs/configuration.md names every environment variable the functions' settings and the local
stack's configuration read, each in its own table, so a new setting cannot go undocumented."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pytest

from archive_local.config import LocalConfig
from archive_search.settings import Settings
from tests.docs.commands import ROOT

pytestmark = pytest.mark.unit

CONFIGURATION = ROOT / "docs" / "configuration.md"


class _Recording(Mapping[str, str]):
    """An environment that remembers every name it was asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self.values[name]

    def get(self, name: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(name)
        return self.values.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def _tabled(section: str) -> set[str]:
    """The variables the first column of the table under ``## <section>`` names."""
    text = CONFIGURATION.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return {
        name for row in re.findall(r"^\| (.+?) \|", body, re.M) for name in re.findall(r"`([A-Z_]+)`", row)
    }


def test_every_variable_the_functions_read_is_in_the_functions_table() -> None:
    env = _Recording({"OPENSEARCH_URL": "http://127.0.0.1:9200"})
    Settings.from_env(env)

    assert len(env.asked) >= 10
    assert (
        env.asked - _tabled("Lambda functions (`archive_search/settings.py`, validated at cold start)")
        == set()
    )


def test_every_variable_the_local_stack_reads_is_in_the_local_stack_table() -> None:
    env = _Recording({})
    LocalConfig.from_env(env)

    assert len(env.asked) >= 10
    assert env.asked - _tabled("Local stack (`make run`)") == set()
