"""List the text dumps' published-date misses on the tuning folds (held-out pages never printed).

    .venv/bin/python bench/dump_dates.py

For each tuning-fold dump whose date ``clean()`` gets wrong: the accepted and the found date,
and every line that states a full date (its index, the date, the line cut to 90 characters),
marked ``=`` where it states an accepted date, ``*`` where it states the one found. The last
line counts the misses by kind (no date found / wrong date found).
"""

from __future__ import annotations

import json
from collections import Counter

from _labels import SET_DIR, norm, project_metadata  # type: ignore[import-not-found]
from generalisation import TUNING_FOLDS, fold  # type: ignore[import-not-found]
from metadata import DUMPS_DIR, right  # type: ignore[import-not-found]

from archive_search.cleaning.metadata import parse_date


def main() -> None:
    from cleaning import archive_stats  # type: ignore[import-not-found]  # bench/ is on the path

    labels = json.loads((SET_DIR / "benchmark-labels.json").read_text(encoding="utf-8"))
    stats = archive_stats(DUMPS_DIR.parent)
    kinds: Counter[str] = Counter()
    scored = 0
    for page_id, expected in sorted(labels.items()):
        if fold(expected["url"]) not in TUNING_FOLDS:
            continue
        scored += 1
        data = (DUMPS_DIR / f"{page_id}.txt").read_bytes()
        got = project_metadata(data, f"textdump/{page_id}.txt", stats)["published"]
        accepted = expected["published"]
        if right("published", got, accepted):
            continue
        kinds["no date found" if got is None else "wrong date"] += 1
        print(f"{page_id} {expected['url']}\n  accepted {accepted} found {norm(got)}")
        wanted = {norm(a) for a in accepted}
        for i, line in enumerate(data.decode("utf-8", errors="replace").split("\n")):
            stated = parse_date(line) if len(line) < 300 else None
            if stated:
                mark = "=" if norm(stated) in wanted else "*" if stated == got else " "
                print(f"  {mark}{i:4} {stated} {line.strip()[:90]}")
    print(f"tuning dumps {scored}: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
