"""What a handler module does around its own imports at a cold start."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def imports_frozen() -> Iterator[None]:
    """Load a handler's modules without garbage collections, then freeze what they made.

    The modules, classes and functions an import creates live as long as the execution
    environment: collecting while they load finds nothing to free, and every later full
    collection would traverse them again. This is ``gc.freeze``'s documented use (disable early,
    freeze once the long-lived objects exist); the collector's state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
