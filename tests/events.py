"""One loader for the real event payloads kept under tests/events/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent / "events"


def load_event(name: str) -> dict[str, Any]:
    """A deep copy of ``tests/events/<name>.json``, free for the test to modify."""
    return copy.deepcopy(json.loads((EVENTS / f"{name}.json").read_text()))
