"""Files that survive a crash: written whole or not at all, their directory entries fsynced.

A rename or a new file is durable only once its directory is fsynced too (POSIX leaves
the directory entry in the page cache until then), so every helper here fsyncs the
directory it changed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_directory(path: Path) -> None:
    """Make the entries of ``path`` (a rename, a new or removed file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_directories(path: Path) -> None:
    """``mkdir -p`` whose new directories are durable (each one's parent fsynced)."""
    if path.is_dir():
        return
    make_directories(path.parent)
    with contextlib.suppress(FileExistsError):
        path.mkdir()
        fsync_directory(path.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` after this returns, even across a crash; before, the old content."""
    make_directories(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_directory(path.parent)
