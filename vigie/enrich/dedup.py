"""Near-duplicate detection: word-shingle MinHash with LSH banding, vectorised per batch. See docs/dedup.md"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

BANDS = 8
ROWS = 3  # 8 bands x 3 rows: pairs at Jaccard 0.8 become candidates 99.7 % of the time, at 0.6 86 %, at 0.3 20 %
# (candidates are then verified on their exact shingle Jaccard, so loose banding costs little).
SHINGLE = 3
_rng = np.random.default_rng(20261128)  # fixed: signatures are stored, so they must be stable
_A = (_rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1))
_B = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
_BAND_MIX = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)
MIN_TOKENS = 6  # shorter texts are left to exact dedup: a few shared words prove nothing


def shingles(tokens: Sequence[str]) -> set[str]:
    """Overlapping word 3-grams of already-folded tokens."""
    if len(tokens) < SHINGLE:
        return {" ".join(tokens)} if tokens else set()
    # zip over shifted slices builds the same 3-grams without a Python-level loop per shingle.
    return set(map(" ".join, zip(tokens, tokens[1:], tokens[2:], strict=False)))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)  # the union's size follows from it: no second set is built
    return shared / (len(a) + len(b) - shared)


def band_buckets(shingle_sets: Sequence[set[str]]) -> list[list[int] | None]:
    """LSH bucket keys (one per band, band number in the top bits) for each shingle set;
    None for texts too short to compare. One numpy pass for the whole batch."""
    out: list[list[int] | None] = [None] * len(shingle_sets)
    hashes: list[int] = []
    owners: list[int] = []
    starts: list[int] = []
    for index, sset in enumerate(shingle_sets):
        if len(sset) < MIN_TOKENS - SHINGLE + 1:
            continue
        starts.append(len(hashes))
        owners.append(index)
        hashes.extend(map(_crc, sset))
    if not owners:
        return out
    x = np.asarray(hashes, dtype=np.uint64)
    with np.errstate(over="ignore"):
        # Multiply-shift hashing: the high 32 bits of a*x+b (mod 2^64) form a universal family.
        # In place: one (shingles x 24) array instead of four temporaries; >> 32 already leaves 32 bits.
        hashed = x[:, None] * _A[None, :]
        hashed += _B[None, :]
        hashed >>= np.uint64(32)
        signatures = np.minimum.reduceat(hashed, np.asarray(starts), axis=0)
        bands = signatures.reshape(len(owners), BANDS, ROWS)
        mixed = np.bitwise_xor.reduce(bands * _BAND_MIX[None, None, :], axis=2) >> np.uint64(8)
        keys = mixed | (np.arange(BANDS, dtype=np.uint64) << np.uint64(56))[None, :]
    # Keys stay below 2^63 so they fit a signed BIGINT in both databases.
    keys &= np.uint64(0x7FFFFFFFFFFFFFFF)
    for index, row in zip(owners, keys.tolist(), strict=True):
        out[index] = row
    return out


def _crc(shingle: str) -> int:
    return zlib.crc32(shingle.encode())
