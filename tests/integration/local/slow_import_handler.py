"""A handler module that takes a second to import, as the real handlers take a few."""

from __future__ import annotations

import time

from tests.integration.local.slow_handler import handler

time.sleep(1)

__all__ = ["handler"]
