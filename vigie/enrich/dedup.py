"""Near-duplicate detection: word-shingle MinHash with LSH banding, vectorised per batch. See docs/dedup.md"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

BANDS = 5
ROWS = 2  # 5 bands x 2 rows: pairs at Jaccard 0.6 become candidates 89 % of the time, at 0.8 99.4 %,
# at 0.3 38 % (candidates are then verified on their exact shingle Jaccard, so loose banding costs
# little, while every band is one more index row per mention: see docs/decisions/0081).
SHINGLE = 3
_rng = np.random.default_rng(20261128)  # fixed: signatures are stored, so they must be stable
_A = (_rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1))
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
_BAND_MIX = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)
# A shingle's hash is a polynomial in its three word hashes (odd 64-bit multipliers, wrapping):
# computed for a whole batch in three numpy operations instead of joining and hashing strings.
_P1, _P2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
# A word's hash: a polynomial in its UTF-8 bytes (mod 2^64; the base is odd, so it has an inverse),
# then a SplitMix64 finaliser so that similar words get unrelated hashes. Stable across processes
# and releases, unlike hash().
_WORD_BASE = 0x100000001B3
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_WORD_CHUNK = 1 << 15  # words hashed per pass: keeps the work arrays small (a few MB)
# The index is partitioned by publication period so that inserts stay local (see lsh_buckets); a
# lookup window of 2 x near_duplicate_days + 1 days shorter than this touches at most two periods.
PERIOD_DAYS = 8
_KEY_CHUNK = 256
MIN_TOKENS = 6  # shorter texts are left to exact dedup: a few shared words prove nothing


class _Powers:
    """base^i and base^-i (mod 2^64) for i below the batch's byte count, computed once and kept up to
    _KEEP entries (a freak long token gets tables of its own, not kept). The pair is replaced in one
    assignment: ingest threads of one process (`vigie up`) share it."""

    _KEEP = 1 << 20

    def __init__(self) -> None:
        self.tables = self._build(1 << 18)

    @staticmethod
    def _build(size: int) -> tuple[np.ndarray, np.ndarray]:
        out = []
        with np.errstate(over="ignore"):
            for base in (_WORD_BASE, pow(_WORD_BASE, -1, 2**64)):
                table = np.full(size, base, dtype=np.uint64)
                table[0] = 1
                out.append(np.cumprod(table, dtype=np.uint64))
        return out[0], out[1]

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        tables = self.tables
        if len(tables[0]) >= n:
            return tables
        if n > self._KEEP:
            return self._build(n)
        tables = self.tables = self._build(min(max(n, 2 * len(tables[0])), self._KEEP))
        return tables


_POWERS = _Powers()


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """One 64-bit hash per word, for a whole batch in a few numpy passes over its UTF-8 bytes
    (looking words up one by one in a dict of CRCs cost twice as much, and the dict grew)."""
    parts = [_hash_chunk(words[i:i + _WORD_CHUNK]) for i in range(0, len(words), _WORD_CHUNK)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _hash_chunk(words: Sequence[str]) -> np.ndarray:
    data = np.frombuffer((" ".join(words) + " ").encode("utf-8", "surrogatepass"), dtype=np.uint8)
    ends = np.flatnonzero(data == 32)  # tokenisers split on whitespace: one space after each word
    if len(ends) != len(words):  # a token list from elsewhere with a space inside a word
        return _hash_chunk([w.replace(" ", "\x00") for w in words])
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    up, down = _POWERS.upto(len(data))
    with np.errstate(over="ignore"):
        # prefix[i] = sum of byte_j * base^j for j < i; a word's bytes from `start` weigh
        # base^(j - start): the difference of two prefixes times base^-start.
        prefix = np.zeros(len(data) + 1, dtype=np.uint64)
        np.cumsum(data * up[:len(data)], dtype=np.uint64, out=prefix[1:])
        h = (prefix[ends] - prefix[starts]) * down[starts]
        h ^= h >> np.uint64(30)
        h *= _MIX1
        h ^= h >> np.uint64(27)
        h *= _MIX2
        h ^= h >> np.uint64(31)
    return h


class Shingles:
    """The 3-word shingle hashes of a batch of token lists, concatenated, for the lists long enough
    to compare (``owners``); ``of(i)`` is one owner's shingle set for exact Jaccard checks."""

    def __init__(self, token_lists: Sequence[Sequence[str]]) -> None:
        self.owners = [i for i, toks in enumerate(token_lists) if len(toks) >= MIN_TOKENS]
        lengths = [len(token_lists[i]) for i in self.owners]
        self._row_of = {owner: row for row, owner in enumerate(self.owners)}
        if not self.owners:
            self.hashes = np.zeros(0, dtype=np.uint64)
            self.starts = np.zeros(0, dtype=np.int64)
            return
        w = word_hashes(list(itertools.chain.from_iterable(token_lists[i] for i in self.owners)))
        with np.errstate(over="ignore"):
            grams = w[:-2] * _P1
            grams += w[1:-1]
            grams *= _P2
            grams += w[2:]
        ends = np.cumsum(lengths)
        keep = np.ones(len(grams), dtype=bool)
        # The last two windows of each list run into the next list's words.
        crossing = np.concatenate([ends - 2, ends - 1])
        keep[crossing[crossing < len(grams)]] = False
        self.hashes = grams[keep]
        per_list = np.asarray(lengths, dtype=np.int64) - (SHINGLE - 1)
        self.starts = np.concatenate([[0], np.cumsum(per_list)[:-1]]).astype(np.int64)
        self._ends = self.starts + per_list

    def of(self, index: int) -> set[int]:
        row = self._row_of[index]
        return set(self.hashes[self.starts[row]:self._ends[row]].tolist())

    def band_keys(self) -> np.ndarray:
        """LSH bucket keys, one row of BANDS per owner, band number in the top bits, below 2^63 so
        they fit a signed BIGINT in both databases."""
        if not self.owners:
            return np.zeros((0, BANDS), dtype=np.int64)
        # A few hundred texts at a time: the (shingles x BANDS*ROWS) work array then stays in the CPU cache,
        # three times faster than one pass over the whole batch.
        parts = [self._keys(first, min(first + _KEY_CHUNK, len(self.owners)))
                 for first in range(0, len(self.owners), _KEY_CHUNK)]
        keys = np.concatenate(parts)
        keys &= np.uint64(0x7FFFFFFFFFFFFFFF)
        return keys.astype(np.int64)

    def _keys(self, first: int, stop: int) -> np.ndarray:
        lo, hi = int(self.starts[first]), int(self._ends[stop - 1])
        with np.errstate(over="ignore"):
            # Multiply-shift hashing: the high 32 bits of a*x+b (mod 2^64) form a universal family.
            hashed = self.hashes[lo:hi, None] * _A[None, :]
            hashed += _B[None, :]
            hashed >>= np.uint64(32)
            signatures = np.minimum.reduceat(hashed, self.starts[first:stop] - lo, axis=0)
            bands = signatures.reshape(stop - first, BANDS, ROWS)
            mixed = np.bitwise_xor.reduce(bands * _BAND_MIX[None, None, :], axis=2) >> np.uint64(8)
            return mixed | (np.arange(BANDS, dtype=np.uint64) << np.uint64(56))[None, :]


def shingle_set(tokens: Sequence[str]) -> set[int]:
    """One token list's shingle hashes (empty when too short to compare)."""
    batch = Shingles([tokens])
    return batch.of(0) if batch.owners else set()


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)  # the union's size follows from it: no second set is built
    return shared / (len(a) + len(b) - shared)
