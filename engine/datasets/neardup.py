"""Near-duplicate texts: Jaccard similarity of word 3-gram sets, found with MinHash and LSH.

Every text becomes a set of word 3-gram hashes (CRC-32, so results are the same in every
process). A 64-value MinHash signature is cut into 8 bands of 8 rows; texts sharing a band
are candidates (a pair at Jaccard 0.9 becomes one with probability 0.99), and each candidate
is compared with the first text of its bucket by exact Jaccard. Linear in the number of texts.
"""

from __future__ import annotations

import string
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation})  # words are what lies between
_PERMUTATIONS = 64
_BANDS = 8
_BLOCK = 1 << 18  # shingles hashed at once (memory: 2 x this x 8 bytes)
_TEXTS_AT_ONCE = 4096

U32 = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class NearDuplicate:
    index: int  # position of the later text
    of_index: int  # position of the text it nearly repeats (the first of its group)
    jaccard: float


class ShingleHasher:
    """Word 3-gram hashes of texts; caches word hashes (vocabularies are small)."""

    def __init__(self) -> None:
        self._words: dict[str, int] = {}

    def __call__(self, text: str) -> U32:
        values, offsets = self.many([text])
        return values[offsets[0]:offsets[1]]

    def many(self, texts: Sequence[str]) -> tuple[U32, npt.NDArray[np.int64]]:
        """Every text's sorted, distinct 3-gram hashes, all in one array: text i owns
        ``values[offsets[i]:offsets[i + 1]]``. A text of fewer than 3 words is one "gram".
        Texts are split into words a few thousand at a time, which bounds the memory."""
        parts = [self._keys(texts[i:i + _TEXTS_AT_ONCE], i) for i in range(0, len(texts), _TEXTS_AT_ONCE)]
        keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        firsts = np.arange(len(texts) + 1, dtype=np.uint64) << np.uint64(32)  # each text's smallest key
        return keys.astype(np.uint32), np.searchsorted(keys, firsts).astype(np.int64)  # low 32 bits: the hash

    def _keys(self, texts: Sequence[str], first: int) -> npt.NDArray[np.uint64]:
        """Sorted, distinct (text number << 32 | 3-gram hash) of these texts, numbered from ``first``."""
        words = [t.lower().translate(_PUNCTUATION).split() for t in texts]
        flat = list(chain.from_iterable(words))
        for w in set(flat).difference(self._words):
            self._words[w] = zlib.crc32(w.encode("utf-8")) or 1
        ids = np.fromiter(map(self._words.__getitem__, flat), dtype=np.uint64, count=len(flat))
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        owner = np.repeat(np.arange(first, first + len(texts), dtype=np.uint64), lengths)
        doc_keys: list[npt.NDArray[np.uint64]] = []
        if len(ids) >= 3:
            grams = ids[:-2] * np.uint64(1000003)
            grams += ids[1:-1]
            grams *= np.uint64(1000033)
            grams += ids[2:]
            inside = owner[:-2] == owner[2:]  # the three words are of one text
            doc_keys.append((owner[:-2][inside] << np.uint64(32)) | grams[inside].astype(np.uint32))
        short = np.flatnonzero(lengths < 3)
        if len(short):
            ends = np.cumsum(lengths)
            sums = [int(ids[ends[i] - lengths[i]:ends[i]].sum()) & 0xFFFFFFFF for i in short]
            doc_keys.append(((short + first).astype(np.uint64) << np.uint64(32)) | np.array(sums, dtype=np.uint64))
        keys = np.sort(np.concatenate(doc_keys))
        return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


def signatures(values: U32, offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """MinHash signatures, one row of 64 values per text (every text has at least one gram).
    One permutation at a time over a block of texts, in place: the block stays in the cache."""
    rng = np.random.default_rng(20240613)
    a = rng.integers(1, 2**63, size=_PERMUTATIONS, dtype=np.uint64) | np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64)
    n = len(offsets) - 1
    out = np.empty((n, _PERMUTATIONS), dtype=np.uint64)
    first = 0
    while first < n:
        last = int(np.searchsorted(offsets, offsets[first] + _BLOCK, side="right")) - 1
        last = min(n, max(last, first + 1))
        block = values[offsets[first]:offsets[last]].astype(np.uint64)
        starts = offsets[first:last] - offsets[first]
        hashed = np.empty_like(block)
        for k in range(_PERMUTATIONS):  # multiply-shift hashing (wraps modulo 2**64)
            np.multiply(block, a[k], out=hashed)
            hashed += b[k]
            hashed >>= np.uint64(32)
            out[first:last, k] = np.minimum.reduceat(hashed, starts)
        first = last
    return out


def jaccard(x: U32, y: U32) -> float:
    inter = len(np.intersect1d(x, y, assume_unique=True))
    return inter / (len(x) + len(y) - inter)


def _first_equal(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """For every position, the first position holding the same key."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
    firsts = np.empty(len(keys), dtype=np.int64)
    firsts[order] = order[group_start]
    return firsts


def near_duplicates(texts: Sequence[str], threshold: float = 0.9) -> list[NearDuplicate]:
    """Every text whose Jaccard similarity to an earlier text of its group reaches ``threshold``.

    Groups are transitive: each duplicate points at the first text of its group."""
    if len(texts) < 2:
        return []
    values, offsets = ShingleHasher().many(texts)
    sigs = signatures(values, offsets)
    rows = _PERMUTATIONS // _BANDS
    mix = np.random.default_rng(7).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best: dict[int, float] = {}
    for band in range(_BANDS):
        keys = (sigs[:, band * rows:(band + 1) * rows] * mix).sum(axis=1)  # wraps around: a hash of the band
        firsts = _first_equal(keys)
        for i in np.flatnonzero(firsts != np.arange(len(texts))).tolist():
            first = int(firsts[i])
            if root(first) == root(i):
                continue
            score = jaccard(values[offsets[first]:offsets[first + 1]], values[offsets[i]:offsets[i + 1]])
            if score >= threshold:
                ri, rf = root(i), root(first)
                parent[max(ri, rf)] = min(ri, rf)
                best[i] = max(best.get(i, 0.0), score)
    found = []
    for i in range(len(texts)):
        r = root(i)
        if r != i:
            found.append(NearDuplicate(i, r, round(best.get(i, threshold), 4)))
    return found
