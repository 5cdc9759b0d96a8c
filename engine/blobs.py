"""Content-addressed file store: blobs/<first two hex>/<sha256>."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        sha = sha256_bytes(data)
        if not self.has(sha):
            self._write_atomically(sha, lambda fh: fh.write(data))
        return sha

    def put_file(self, source: Path, move: bool = False) -> str:
        sha = sha256_file(source)
        target = self.path_for(sha)
        if target.is_file():
            if move:
                source.unlink()
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        if move:
            os.replace(source, target) if source.stat().st_dev == target.parent.stat().st_dev \
                else shutil.move(str(source), str(target))
        else:
            with open(source, "rb") as src:
                self._write_atomically(sha, lambda fh: shutil.copyfileobj(src, fh, CHUNK))
        return sha

    def _write_atomically(self, sha: str, write: object) -> None:
        target = self.path_for(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)  # type: ignore[operator]
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
