"""The cleaner's lookup tables load from their data file (cleaning/char_tables.npz, written by
`make char-tables`), and the file holds what a fresh computation gives on this interpreter."""

from __future__ import annotations

import numpy as np
import pytest

from archive_search.cleaning import decode

pytestmark = pytest.mark.unit


def test_the_data_file_matches_a_fresh_computation_of_every_table() -> None:
    fresh = decode.compute_char_tables()
    with np.load(decode.CHAR_TABLES_FILE) as stored:
        missing = sorted(set(fresh) - set(stored.files))
        assert missing == [], "run `make char-tables`"
        differing = sorted(name for name in fresh if not np.array_equal(stored[name], fresh[name]))
    assert differing == [], "run `make char-tables`"


def test_a_table_the_file_lacks_is_computed(tmp_path) -> None:
    partial = tmp_path / "tables.npz"
    fresh = decode.compute_char_tables()
    np.savez_compressed(partial, invisible=fresh["invisible"])
    loaded = decode.load_char_tables(partial)
    assert sorted(loaded) == sorted(fresh)
    assert all(np.array_equal(loaded[name], fresh[name]) for name in fresh)
