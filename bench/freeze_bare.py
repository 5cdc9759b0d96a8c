"""The bench's bare freezer: the work of ``ws.datasets.freeze`` written directly over sqlite3,
numpy, hashlib, random and the ``tokenizers`` library, without Airlock's services or ORM.

Same work, same results: read the task, its examples and labels; the final label of each example
(a resolution, else the one value every annotator gave); validate it as a conversation under the
task's prompt and against the label set; drop exact duplicates (normalised case and whitespace);
near-duplicates by word 3-gram Jaccard >= 0.9 (CRC-32 word hashes, MinHash 64, LSH 8 bands of 8,
exact Jaccard against the first text of a bucket, groups merged); near twins of golden/OOD left
out; seeded split stratified by label with groups kept together; statistics (splits, lengths,
class balance, agreement and Cohen's kappa, token lengths of a 5,000 sample + the 200 longest
texts with the demo model's tokenizer, histogram); the version hash; one transaction storing the
version, its items and its rejections. It knows nothing of earlier versions (the bench freezes a
fresh workspace). Written from the description of the freeze, not from its code.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import string
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

PUNCT = str.maketrans(string.punctuation, " " * len(string.punctuation))
M32 = 0xFFFFFFFF


def grams(texts: list[str], words: dict[str, int]) -> tuple[Any, Any]:
    """Sorted distinct 3-gram hashes of every text, flat, and each text's offsets into them."""
    import numpy as np

    keys = []
    for start in range(0, len(texts), 4096):
        split = [t.lower().translate(PUNCT).split() for t in texts[start:start + 4096]]
        for w in {w for ws in split for w in ws}.difference(words):
            words[w] = zlib.crc32(w.encode()) or 1
        lens = np.array([len(ws) for ws in split])
        ids = np.array([words[w] for ws in split for w in ws], dtype=np.uint64)
        owner = np.repeat(np.arange(start, start + len(split), dtype=np.uint64), lens)
        g = ((ids[:-2] * np.uint64(1000003) + ids[1:-1]) * np.uint64(1000033) + ids[2:]) & np.uint64(M32)
        same = owner[:-2] == owner[2:]  # all three words from one text
        ends = np.cumsum(lens)
        short = [(start + int(i)) << 32 | int(ids[ends[i] - lens[i]:ends[i]].sum()) & M32
                 for i in np.flatnonzero(lens < 3)]  # a text of fewer than 3 words is one "gram"
        chunk = np.sort(np.concatenate([(owner[:-2][same] << np.uint64(32)) | g[same],
                                        np.array(short, dtype=np.uint64)]))
        keys.append(chunk[np.concatenate(([True], chunk[1:] != chunk[:-1]))])
    flat = np.concatenate(keys)
    offsets = np.searchsorted(flat >> np.uint64(32), np.arange(len(texts) + 1, dtype=np.uint64))
    return (flat & np.uint64(M32)).astype(np.uint64), offsets


def near_groups(texts: list[str]) -> dict[int, list[int]]:
    """First index of a near-duplicate group -> its later members (Jaccard >= 0.9)."""
    import numpy as np

    values, offsets = grams(texts, {})
    rng = np.random.default_rng(20240613)
    a = rng.integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=64, dtype=np.uint64)
    sig, hashed = np.empty((len(texts), 64), dtype=np.uint64), np.empty_like(values)
    for k in range(64):  # minhash k: min over a text's grams of (a_k * gram + b_k) >> 32, modulo 2**64
        np.multiply(values, a[k], out=hashed)
        hashed += b[k]
        hashed >>= np.uint64(32)
        sig[:, k] = np.minimum.reduceat(hashed, offsets[:-1])
    mix = np.random.default_rng(7).integers(1, 2**63, size=8, dtype=np.uint64) | np.uint64(1)
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for band in range(8):
        bucket = (sig[:, band * 8:band * 8 + 8] * mix).sum(axis=1)
        _, first_at, where = np.unique(bucket, return_index=True, return_inverse=True)
        firsts = first_at[where]  # the first text with the same band
        for i in np.flatnonzero(firsts != np.arange(len(texts))).tolist():
            f = int(firsts[i])
            if root(f) == root(i):
                continue
            x, y = values[offsets[f]:offsets[f + 1]], values[offsets[i]:offsets[i + 1]]
            inter = len(np.intersect1d(x, y, assume_unique=True))
            if inter / (len(x) + len(y) - inter) >= 0.9:
                rf, ri = root(f), root(i)
                parent[max(rf, ri)] = min(rf, ri)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        if root(i) != i:
            groups.setdefault(root(i), []).append(i)
    return groups


def summary(values: list[int]) -> dict[str, Any]:
    v = sorted(values)
    n = len(v)
    return {"min": v[0], "p50": v[n // 2], "p95": v[min(n - 1, int(n * 0.95))], "max": v[-1],
            "mean": round(sum(v) / n, 1)}


def kappa(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    n = len(pairs)
    p_o = sum(x == y for x, y in pairs) / n
    ca, cb = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    p_e = sum(ca[v] * cb[v] for v in ca) / (n * n)
    return p_o, (p_o - p_e) / (1 - p_e) if p_e < 1 else float(p_o >= 1)


def bare_freeze(db: Path, task_id: int, tokenizer_file: str, seed: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    import numpy  # noqa: F401  (timed like the freeze's lazy import)
    from tokenizers import Tokenizer

    con = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "secure_delete=ON", "synchronous=NORMAL"):
        con.execute(f"PRAGMA {pragma}")
    kind, spec_json, system, template = con.execute(
        "SELECT kind, spec, system_prompt, user_template FROM tasks WHERE id = ?", (task_id,)).fetchone()
    spec = json.loads(spec_json)
    names = {x["name"] for x in spec["labels"]}
    examples = con.execute("SELECT id, input_text, is_golden, is_ood FROM examples WHERE task_id = ? ORDER BY id",
                           (task_id,)).fetchall()
    labels: dict[int, dict[str, str]] = {}
    for ex, who, value in con.execute("SELECT l.example_id, l.annotator, l.value FROM labels l JOIN examples e "
                                      "ON e.id = l.example_id WHERE e.task_id = ?", (task_id,)):
        labels.setdefault(ex, {})[who] = value

    marks = [("reading", time.perf_counter() - t0)]
    rejections: list[tuple[int, str]] = []
    kept: list[tuple[int, str, str, bool, bool, str]] = []
    first_input: dict[str, tuple[int, str]] = {}
    agree: list[tuple[str, str]] = []
    unresolved = 0
    for ex, text, golden, ood in examples:
        given = labels.get(ex, {})
        resolved = [v for who, v in sorted(given.items()) if who.startswith("resolution:")]
        opinions = sorted((who, v) for who, v in given.items() if not who.startswith("resolution:"))
        agree += [(opinions[i][1], opinions[j][1]) for i in range(len(opinions)) for j in range(i + 1, len(opinions))]
        values = {v for _, v in opinions}
        target = resolved[-1] if resolved else next(iter(values)) if len(values) == 1 else None
        stripped = text.strip()
        user = template.replace("{input}", stripped)  # the conversation: [system,] user, assistant
        why = ("not labelled" if target is None and not values else "annotators disagree" if target is None
               else "empty input" if not stripped else "input too long" if len(stripped) > 20000
               else "empty user turn" if not user.strip() else "empty answer" if not target.strip()
               else "answer too long" if len(target) > 20000
               else "label not in the label set" if target not in names else None)
        unresolved += why == "annotators disagree"
        if why is None:
            key = " ".join(text.lower().split())
            f_ex, f_target = first_input.setdefault(key, (ex, target or ""))
            if f_ex != ex:
                why = f"duplicate of example {f_ex}" if f_target == target else f"contradicts example {f_ex}"
        if why is None:
            kept.append((ex, text, target or "", bool(golden), bool(ood), key))
        else:
            rejections.append((ex, why))

    groups = near_groups([k[1] for k in kept])
    grouped = {i for members in groups.values() for i in members}
    items: list[tuple[int, str, str, str, str]] = []

    def add(i: int, split: str) -> None:
        ex, text, target, _golden, _ood, key = kept[i]
        digest = hashlib.sha256(f"{key}\x1f{target.strip()}".encode()).hexdigest()
        items.append((ex, split, text.strip(), target, digest))

    by_target: dict[str, list[list[int]]] = {}
    leaked = 0
    for i in range(len(kept)):
        if i in grouped:
            continue
        unit = [i, *groups.get(i, [])]
        held = [j for j in unit if kept[j][3] or kept[j][4]]
        for j in unit:
            if j in held:
                add(j, "golden" if kept[j][3] else "ood")
            elif held:
                leaked += 1
                rejections.append((kept[j][0], f"near twin of held-out example {kept[held[0]][0]}"))
        if not held:
            by_target.setdefault(kept[i][2], []).append(unit)
    rng = random.Random(seed)
    for target in sorted(by_target):
        units = by_target[target]
        rng.shuffle(units)
        n = sum(map(len, units))
        n_test, n_eval, placed = round(n * 0.2), round(n * 0.1), 0
        for unit in units:
            split = "test" if placed < n_test else "eval" if placed < n_test + n_eval else "train"
            placed += len(unit)
            for j in unit:
                add(j, split)
    items.sort(key=lambda it: (it[1], it[0]))

    marks.append(("validating, exact + near-duplicates, split", time.perf_counter() - t0))
    tokenizer = Tokenizer.from_file(tokenizer_file)
    texts = [f"{system}\n{template.replace('{input}', it[2])}\n{it[3]}" for it in items]
    sample = random.Random(0).sample(texts, 5000) if len(texts) > 5000 else texts
    counts = [len(e.ids) for e in tokenizer.encode_batch(sample)]
    longest = [len(e.ids) for e in tokenizer.encode_batch(sorted(texts, key=len)[-200:])] if len(texts) > 5000 else []
    lo, hi = min(counts), max(counts)
    width = max(1.0, (hi - lo) / 24)
    bins = max(1, min(24, int((hi - lo) / width) + 1))
    hist = Counter(min(bins - 1, int((c - lo) / width)) for c in counts)
    learning = [it for it in items if it[1] not in ("golden", "ood")]
    balance = Counter(it[3] for it in learning)
    p_o, k = kappa(agree) if agree else (None, None)
    stats = {"total": len(items), "splits": dict(sorted(Counter(it[1] for it in items).items())),
             "rejected": len(rejections), "input_chars": summary([len(it[2]) for it in items]),
             "answer_chars": summary([len(it[3]) for it in items]),
             "near_duplicates": sum(map(len, groups.values())), "leakage_prevented": leaked,
             "balance": Counter(f"{it[1]}/{it[3]}" for it in items),
             "class_balance": {"counts": dict(balance), "ratio": max(balance.values()) / min(balance.values())},
             "agreement": {"percent_agreement": p_o, "cohen_kappa": k}, "unresolved_disagreements": unresolved,
             "tokens": {**summary(counts), "max": max([hi, *longest]), "counted": len(sample), "of": len(texts),
                        "histogram": [hist[i] for i in range(bins)]}}
    digest = hashlib.sha256(f"{json.dumps([kind, spec, system, template], sort_keys=True)}\x1e{seed}".encode())
    for _ex, split, _t, _a, h in sorted(items, key=lambda it: (it[1], it[4])):
        digest.update(f"\x1e{split}\x1f{h}".encode())

    marks.append(("token lengths, statistics, agreement, hash", time.perf_counter() - t0))
    con.execute("BEGIN IMMEDIATE")
    version = con.execute("INSERT INTO dataset_versions (task_id, name, seed, content_hash, stats, created_by, "
                          "created_at) VALUES (?, 'bare', ?, ?, ?, 'bench', datetime('now'))",
                          (task_id, seed, digest.hexdigest(), json.dumps(stats))).lastrowid
    con.executemany("INSERT INTO dataset_items (version_id, example_id, split, input_text, target, content_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [(version, *it) for it in items])
    con.executemany("INSERT INTO dataset_rejections (version_id, example_id, reason) VALUES (?, ?, ?)",
                    [(version, ex, why) for ex, why in rejections])
    con.execute("COMMIT")
    con.close()
    wall = time.perf_counter() - t0
    stages = {name: end - start for (name, end), (_, start) in zip(marks, [("", 0.0), *marks[:-1]], strict=True)}
    return {"wall_s": wall, "stages": {**stages, "storing": wall - marks[-1][1]}, "splits": stats["splits"],
            "rejected": len(rejections),
            "near_duplicates": stats["near_duplicates"], "leakage_prevented": leaked,
            "tokens": {k: stats["tokens"][k] for k in ("p50", "p95", "max")}, "content_hash": digest.hexdigest()}
