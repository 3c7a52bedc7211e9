"""Tokens and lines compared by a polynomial hash of their lower-case characters.

Computed for all of a page's tokens at once with numpy (wrapping uint64 arithmetic, that is
modulo 2**64): the stop-word lookups and comparison keys of a page cost a fifth of a text dump
as Python strings (lower(), split(), a set lookup per token). The base is odd, so its powers are
invertible modulo 2**64 and a hash does not depend on where the token stands.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path

import numpy as np

STOP_WORDS_FILE = Path(__file__).with_name("stopwords.txt")
# are invertible modulo 2**64 and a hash does not depend on where the token stands.
_HASH_BASE = 0x100000001B3
_HASH_BASE_INVERSE = pow(_HASH_BASE, -1, 2**64)


def _hash_code(ch: str) -> int:
    """What a character adds to a hash: its lower case (itself where lower() gives more than one
    character), plus one, so that a NUL counts."""
    lowered = ch.lower()
    return (ord(lowered) if len(lowered) == 1 else ord(ch)) + 1


@lru_cache(maxsize=1)
def _hash_code_table() -> np.ndarray:
    """``_hash_code`` of every BMP character."""
    return np.fromiter(map(_hash_code, map(chr, range(0x10000))), dtype=np.uint64, count=0x10000)


def hash_codes(cp: np.ndarray) -> np.ndarray:
    table = _hash_code_table()
    if cp.dtype == np.uint8 or not len(cp) or cp.max() <= 0xFFFF:
        return table.take(cp)
    return np.where(cp > 0xFFFF, cp + 1, table.take(np.minimum(cp, 0xFFFF))).astype(np.uint64)


class _Powers:
    """Powers of the hash base and of its inverse, grown on demand and kept."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up), 4096)
            self.up = np.cumprod(np.full(size, _HASH_BASE, dtype=np.uint64))
            self.down = np.cumprod(np.full(size, _HASH_BASE_INVERSE, dtype=np.uint64))
            self.up = np.concatenate((np.ones(1, dtype=np.uint64), self.up[:-1]))
            self.down = np.concatenate((np.ones(1, dtype=np.uint64), self.down[:-1]))
        return self.up[:n], self.down[:n]


_POWERS = _Powers()


def prefix_hashes(codes: np.ndarray) -> np.ndarray:
    """Hashes of every prefix of a text (``codes``: its ``hash_codes``), for ``span_hashes``."""
    up = _POWERS.get(len(codes) + 1)[0]
    return np.concatenate((np.zeros(1, np.uint64), (codes * up[: len(codes)]).cumsum(dtype=np.uint64)))


def span_hashes(prefix: np.ndarray, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The hash of the text's characters ``[b, e)`` for every span: the same wherever it stands.
    (uint64 arithmetic wraps without a warning: modulo 2**64 is meant.)"""
    down = _POWERS.get(len(prefix))[1]
    return (prefix[end] - prefix[begin]) * down[begin]


def string_hash(text: str) -> int:
    """``span_hashes`` of a whole string (what a stop word is looked up by)."""
    h, power = 0, 1
    for ch in text:
        h = (h + _hash_code(ch) * power) % 2**64
        power = power * _HASH_BASE % 2**64
    return h


_STOP_TABLE_BITS = 13
_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / the golden ratio: multiples spread hashes well


@lru_cache(maxsize=1)
def stop_table() -> tuple[np.ndarray, np.uint64, np.uint64]:
    """The stop words' hashes in a table without collisions (a perfect hash: multiply by an
    odd number, keep the top bits): a token is a stop word when the slot its hash picks holds
    that hash, 6x faster than a binary search of the sorted hashes. The free slots hold a stop
    word's hash too; that hash picks its own slot, so no token matches in a free one."""
    hashes = np.unique(np.array([string_hash(w) for w in stop_words()], dtype=np.uint64))
    shift = np.uint64(64 - _STOP_TABLE_BITS)
    for k in itertools.count(1):  # 14 tries for the 206 words in 8192 slots
        multiplier = np.uint64(_GOLDEN * k % 2**64 | 1)
        slots = (hashes * multiplier) >> shift
        if len(np.unique(slots)) == len(hashes):
            break
    table = np.full(1 << _STOP_TABLE_BITS, hashes[0], dtype=np.uint64)
    table[slots.astype(np.intp)] = hashes
    return table, multiplier, shift


def stop_words() -> frozenset[str]:
    """The stop words (``stopwords.txt``): a line's share of them tells running text from furniture."""
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))
