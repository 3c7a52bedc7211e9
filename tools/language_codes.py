"""Writes functions/archive_search/language_codes.json from the ISO 639 tables of Debian's
iso-codes package (/usr/share/iso-codes/json, `apt-get install iso-codes`):

- ``two_letter``: every 3-letter code (ISO 639-2/T, 639-2/B, 639-3) of a language that has an
  ISO 639-1 code, to that code; the deprecated 639-1 codes to their successors; and the common
  639-3 individual languages to their macrolanguage's code (``cmn`` is written ``zh``), the
  code detection and the analyzers use.
- ``codes``: the codes kept as they are: every ISO 639-1 code, and every ISO 639-2/639-3 code of
  a language without one (``fil``, ``yue``), the special codes (``und``, ``mul``, ``zxx``,
  ``mis``, ``qaa``-``qtz``) left out: they name no language.

    .venv/bin/python tools/language_codes.py [--iso-codes DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "functions" / "archive_search" / "language_codes.json"
SPECIAL = {"mis", "mul", "und", "zxx", "qaa-qtz"}
DEPRECATED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# The individual language most text of a macrolanguage is written in, by its 639-3 code.
MACRO_MEMBERS = {
    "als": "sq",
    "arb": "ar",
    "azj": "az",
    "cmn": "zh",
    "ekk": "et",
    "khk": "mn",
    "lvs": "lv",
    "npi": "ne",
    "pes": "fa",
    "plt": "mg",
    "swh": "sw",
    "uzn": "uz",
    "ydd": "yi",
    "zsm": "ms",
}


def build(iso_dir: Path) -> dict[str, object]:
    rows = []
    for name, key in (("iso_639-2.json", "639-2"), ("iso_639-3.json", "639-3")):
        rows += json.loads((iso_dir / name).read_text(encoding="utf-8"))[key]
    two_letter: dict[str, str] = {**DEPRECATED, **MACRO_MEMBERS}
    kept: set[str] = set()
    for row in rows:
        code = row["alpha_3"]
        if code in SPECIAL or row.get("scope") == "S":
            continue
        if "alpha_2" in row:
            kept.add(row["alpha_2"])
            for three in (code, row.get("bibliographic")):
                if three:
                    two_letter[three] = row["alpha_2"]
        else:
            kept.add(code)
    kept -= set(two_letter)
    return {"two_letter": dict(sorted(two_letter.items())), "codes": " ".join(sorted(kept))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iso-codes", type=Path, default=Path("/usr/share/iso-codes/json"))
    args = ap.parse_args()
    OUT.write_text(json.dumps(build(args.iso_codes), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
