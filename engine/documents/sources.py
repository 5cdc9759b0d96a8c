"""Which files an import holds (folders walked recursively), and reading one within the size limit."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.documents.readers import SUPPORTED, readable
from engine.errors import AirlockError, InputFileError

MAX_IMPORT_SETTING = "max_import_mb"
DEFAULT_MAX_IMPORT_MB = 50.0
MB = 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    path: Path
    name: str  # what the documents are called: the path inside the imported folder, or the file name


@dataclass
class Sources:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)  # skipped while listing, with the reason


def _walk(root: Path, found: Sources) -> None:
    """Every file under ``root``; hidden files and folders are left out, links to folders are not followed."""
    before = len(found.files)

    def unreadable(exc: OSError) -> None:
        found.problems.append((Path(exc.filename or root), f"cannot be read ({exc.strerror or exc})"))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        for sub in [d for d in subfolders if (here / d).is_symlink()]:
            found.problems.append((here / sub, "a link to a folder (not followed)"))
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = here / name
            if path.suffix.lower() not in SUPPORTED:
                found.problems.append((path, f"unsupported format {path.suffix or '(no extension)'}"))
                continue
            found.files.append(SourceFile(path, readable(path.relative_to(root).as_posix())))
    if len(found.files) == before and not found.problems:
        found.problems.append((root, "the folder holds no documents to import"))


def collect(paths: Iterable[Path]) -> Sources:
    found = Sources()
    for path in paths:
        if path.is_dir():
            _walk(path, found)
        else:
            found.files.append(SourceFile(path, readable(path.name)))
    return found


def size_limit(setting: str | None) -> int:
    """The largest file an import accepts, in bytes, from the workspace setting ``max_import_mb``."""
    if setting is None:
        return int(DEFAULT_MAX_IMPORT_MB * MB)
    try:
        megabytes = float(setting)
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < 1e9:
        raise AirlockError(f"the workspace setting {MAX_IMPORT_SETTING} must be a positive number of "
                           f"megabytes, not {setting!r}")
    return int(megabytes * MB)


def _amount(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size} bytes"


def _too_large(path: Path, size: str, limit: int) -> InputFileError:
    return InputFileError(path, f"too large ({size}; the limit is {_amount(limit)}, "
                                f"workspace setting {MAX_IMPORT_SETTING})")


def read_within_limit(path: Path, limit: int) -> bytes:
    """The file's bytes, or an error naming why it cannot be imported. Never reads more than limit + 1 bytes."""
    if path.is_symlink() and not path.exists():
        raise InputFileError(path, f"broken link (points to {readable(os.readlink(path))}, which does not exist)")
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise InputFileError(path, "no such file") from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(path, "not a regular file")
    if info.st_size > limit:
        raise _too_large(path, _amount(info.st_size), limit)
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _too_large(path, f"more than {_amount(limit)}", limit)
    return data
