"""Write the cleaner's character lookup tables (cleaning/char_tables.npz) for this interpreter.

    python -m tools.char_tables      # `make char-tables`: this Python's, then the Lambda runtime's

The NFC table depends on the interpreter's Unicode version: the file keeps every version's table
it was written with, and this script adds (or replaces) the running interpreter's. The regex
tables are the same everywhere. tests/packaging/test_char_tables.py checks the file against a
fresh computation.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import unicodedata
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[1] / "functions/archive_search/cleaning/char_tables.npz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", type=Path, help="import archive_search and numpy from this folder first")
    args = parser.parse_args(argv)
    if args.path:
        sys.path.insert(0, str(args.path.resolve()))
    import numpy as np

    from archive_search.cleaning.decode import compute_char_tables

    tables: dict[str, np.ndarray] = {}
    if DATA_FILE.is_file():
        with np.load(DATA_FILE) as stored:
            tables = {name: stored[name] for name in stored.files}
    tables.update(compute_char_tables())
    np.savez_compressed(DATA_FILE, **tables)
    print(
        f"{DATA_FILE.name}: {', '.join(sorted(tables))} (this interpreter: Unicode {unicodedata.unidata_version})"
    )
    if args.path is None:
        # The Lambda runtime's Python, importing numpy and the cleaner from the ingest bundle.
        from tools.package import BUILD, BUNDLES, build, lambda_python

        bundle = build(BUNDLES["ingest"], BUILD / "bundles" / "ingest")
        command = [lambda_python(), "-I", "-S", __file__, "--path", str(bundle)]
        return subprocess.run(command, check=False).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
