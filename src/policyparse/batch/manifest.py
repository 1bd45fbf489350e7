"""The batch manifest: append-only JSONL, one record per input, that makes runs resumable.

Each line is written and flushed as soon as the input's output is complete, and fsynced at least
once a second after an os.sync() that makes the outputs it refers to durable too; so whatever kills
the run, every line present describes a finished output. A truncated last line is ignored when the
manifest is read back. At the end of a run the manifest is rewritten atomically with one line per
input (the latest record wins).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, TextIO

from ..writefile import atomic_write_text

MANIFEST_NAME = "manifest.jsonl"
FIELDS = ("path", "rel", "output", "sha256", "status", "n_tasks", "seconds", "error", "reason")


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Latest record per input (keyed by its relative path); unreadable or truncated lines are skipped."""
    records: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return records
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break  # truncated by a kill mid-write
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("rel"), str):
                records[record["rel"]] = record
    return records


class ManifestWriter:
    """Appends records; flush per line, fsync at most every `sync_every` seconds and on close."""

    def __init__(self, path: Path, sync_every: float = 1.0, before_sync: list[TextIO] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.sync_every = sync_every
        self.before_sync = before_sync or []  # files whose data the manifest lines refer to
        self._last_sync = time.monotonic()
        needs_newline = path.exists() and path.stat().st_size > 0 and _last_byte(path) != b"\n"
        self.handle = path.open("a", encoding="utf-8")
        if needs_newline:  # isolate a truncated line so the next record starts clean
            self.handle.write("\n")

    def append(self, record: dict[str, Any]) -> None:
        self.handle.write(json.dumps({k: record.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")
        self.handle.flush()
        if time.monotonic() - self._last_sync >= self.sync_every:
            self.sync()

    def sync(self) -> None:
        os.sync()  # outputs written by workers (renamed, not fsynced) reach the disk before their lines
        for other in self.before_sync:
            other.flush()
            os.fsync(other.fileno())
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if not self.handle.closed:
            self.sync()
            self.handle.close()


def compact_manifest(path: Path, records: dict[str, dict[str, Any]]) -> None:
    """Rewrite atomically with one line per input, sorted by relative path."""
    lines = [json.dumps({k: records[rel].get(k) for k in FIELDS}, ensure_ascii=False) + "\n"
             for rel in sorted(records)]
    atomic_write_text(path, "".join(lines))


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1)
