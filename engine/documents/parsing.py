"""Reading files into text records, here or in worker processes (both cores).

``parse`` reads one file within the size limit and extracts its records; a
problem comes back as a ``Parsed`` with ``problem`` set rather than raised, so
the result can cross a process boundary. ``parse_all`` yields the results in
input order; with ``workers`` > 1 (and where the platform can fork) the files
are read in forked processes (``engine.forked``) while the caller stores the earlier ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from engine.blobs import sha256_bytes
from engine.documents.readers import read_file, readable
from engine.documents.sources import SourceFile, read_within_limit
from engine.documents.text import TextRecord
from engine.errors import InputFileError
from engine.forked import forks, map_forked


@dataclass(frozen=True)
class Parsed:
    source: SourceFile
    format: str = ""
    records: list[TextRecord] = field(default_factory=list)
    file_sha256: str = ""
    size: int = 0
    problem: str | None = None  # why the file was skipped


@dataclass(frozen=True)
class _Job:
    limit: int
    text_field: str
    label_field: str | None


def parse(source: SourceFile, job: _Job, check: Callable[[], None] | None = None) -> Parsed:
    try:
        data = read_within_limit(source.path, job.limit)
        fmt, records = read_file(source.path, data, job.text_field, job.label_field, name=source.name,
                                 check=check)
    except InputFileError as exc:
        return Parsed(source, problem=exc.problem)
    except OSError as exc:
        return Parsed(source, problem=f"cannot be read ({exc.strerror or exc})")
    return Parsed(source, fmt, records, sha256_bytes(data), len(data))


def _parse_in_worker(job: _Job, source: SourceFile) -> Parsed:
    return parse(source, job)


def parse_all(sources: Sequence[SourceFile], limit: int, text_field: str, label_field: str | None,
              workers: int = 1, check: Callable[[], None] | None = None,
              announce: Callable[[int, SourceFile], None] | None = None) -> Iterator[Parsed]:
    """Parsed files in input order. ``announce(i, source)`` runs before file ``i`` is handed over
    (before it is read, in this process); here ``check`` also runs between a PDF's pages."""
    job = _Job(limit, text_field, label_field)
    if not forks(workers, len(sources)):
        for i, source in enumerate(sources):
            if announce is not None:
                announce(i, source)
            yield parse(source, job, check)
        return
    parsed_files = map_forked(_parse_in_worker, sources, workers, job, name=lambda s: readable(str(s.path)))
    with closing(parsed_files):
        for i, parsed in enumerate(parsed_files):
            if announce is not None:
                announce(i, parsed.source)
            yield parsed


def describe(parsed: Parsed) -> str:
    return f"{readable(str(parsed.source.path))}: {parsed.problem}"


__all__ = ["Parsed", "Path", "describe", "parse", "parse_all"]
