"""What the search code needs of the engine adapter (``adapters.opensearch``, or a test's fake)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Engine(Protocol):
    @property
    def profile(self) -> str: ...

    def search(self, body: Mapping[str, Any], *, index: str | None = None) -> dict[str, Any]: ...

    def msearch(
        self, bodies: list[Mapping[str, Any]], *, index: str | None = None
    ) -> list[dict[str, Any]]: ...

    def get(self, doc_id: str, *, index: str | None = None) -> dict[str, Any]: ...
