"""`policyparse batch`: plan, run in a process pool, record, and summarise.

The parent enumerates inputs lazily, decides what to skip (resume), feeds workers bounded chunks
(memory stays flat: at most a few chunks are in flight), appends each result to the manifest as
it arrives, and at the end rebuilds tasks.csv from the outputs of every input of this run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from ..errors import UsageError
from .manifest import MANIFEST_NAME, ManifestWriter, compact_manifest, read_manifest
from .sources import Item, Limits, batch_base, check_outdir, expand_inputs, iter_items
from .worker import Task, convert_chunk, convert_one, csv_fragments, init_worker

JSONL_NAME = "notices.jsonl"
CSV_NAME = "tasks.csv"


@dataclass
class BatchOptions:
    inputs: list[Path]
    outdir: Path
    fmt: str = "json"  # "json" (a tree of files) or "jsonl" (one notices.jsonl)
    workers: int | None = None
    force: bool = False
    fail_fast: bool = False
    grammars: list[Path] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    excluded: list[str] = field(default_factory=list)
    progress: str = "auto"  # auto | bar | plain | none
    chunksize: int | None = None


@dataclass
class Stats:
    total: int = 0
    done: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    tasks: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)


class Interrupted(Exception):
    """SIGTERM turned into an exception so the run stops through the same path as Ctrl-C."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(options: BatchOptions) -> int:
    """Run the batch; return the exit code (0 all fine, 1 some failed, 130 interrupted)."""
    from ..pipeline import grammars_for

    grammars_for(options.grammars)  # a bad --grammar is a usage error before any work (GrammarError)
    inputs = expand_inputs(options.inputs)
    outdir = options.outdir
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir}: output must be a folder, and a file of that name exists")
    check_outdir(inputs, outdir, options.excluded)
    outdir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(outdir)
    base = batch_base(inputs)
    runner = _Runner(options, inputs, base)
    return runner.run()


def remove_leftovers(outdir: Path) -> int:
    """Delete temporary files an interrupted run left behind (ours only: `.<name>.<random>.tmp`)."""
    removed = 0
    for dirpath, _dirs, files in os.walk(outdir):
        for name in files:
            if name.startswith(".") and name.endswith(".tmp") and (".json" in name or ".csv" in name):
                Path(dirpath, name).unlink(missing_ok=True)
                removed += 1
    return removed


class _Runner:
    def __init__(self, options: BatchOptions, inputs: list[Path], base: Path) -> None:
        self.options = options
        self.inputs = inputs
        self.base = base
        self.outdir = options.outdir
        self.manifest_path = self.outdir / MANIFEST_NAME
        self.previous = {} if options.force else read_manifest(self.manifest_path)
        self.records = read_manifest(self.manifest_path)  # everything, for the compacted manifest
        self.stats = Stats()
        self.workers = options.workers or default_workers()
        self.jsonl: TextIO | None = None
        self.jsonl_kept: set[tuple[str, str]] = set()
        self.stop = False
        self.spool = CsvSpool(self.outdir)

    # ------------------------------------------------------------ main flow

    def run(self) -> int:
        options = self.options
        self.stats.total = sum(1 for _ in iter_items(self.inputs, self.base, self.outdir, options.limits,
                                                     options.excluded, read=False))
        if options.fmt == "jsonl":
            self._open_jsonl()
        writer = ManifestWriter(self.manifest_path, before_sync=[self.jsonl] if self.jsonl else [])
        progress = make_progress(options.progress, self.stats)
        previous_term = signal.signal(signal.SIGTERM, _raise_interrupted)
        interrupted = False
        try:
            with progress:
                if self.workers <= 1:
                    self._run_serial(writer, progress)
                else:
                    self._run_pool(writer, progress)
        except (KeyboardInterrupt, Interrupted):
            interrupted = True
        finally:
            signal.signal(signal.SIGTERM, previous_term)
            writer.close()
            if self.jsonl is not None:
                self.jsonl.close()
        if interrupted:
            self.spool.close()
            print_line(f"interrupted after {self.stats.done} of {self.stats.total} inputs; "
                       "run the same command again to resume")
            return 130
        with self.spool:
            self._finish()
        print_summary(self.stats, self.outdir, options.fmt)
        return 1 if self.stats.failed else 0

    def _run_serial(self, writer: ManifestWriter, progress: Progress) -> None:
        init_worker(str(self.outdir), self.options.fmt, tuple(str(g) for g in self.options.grammars),
                    ignore_sigint=False)
        for task in self._tasks(writer, progress):
            self._record(convert_one(task), writer, progress)
            if self.stop:
                break

    def _run_pool(self, writer: ManifestWriter, progress: Progress) -> None:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        chunksize = self.options.chunksize or max(1, min(16, self.stats.total // (self.workers * 8) or 1))
        max_inflight = self.workers * 3
        executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_worker,
                                       initargs=(str(self.outdir), self.options.fmt,
                                                 tuple(str(g) for g in self.options.grammars)))
        inflight: set[Future[list[dict[str, Any]]]] = set()

        def drain(block: bool) -> None:
            nonlocal inflight
            if not inflight:
                return
            done, inflight = wait(inflight, timeout=None if block else 0, return_when=FIRST_COMPLETED)
            for future in done:
                for record in future.result():
                    self._record(record, writer, progress)

        try:
            chunk: list[Task] = []
            for task in self._tasks(writer, progress):
                chunk.append(task)
                if len(chunk) >= chunksize:
                    inflight.add(executor.submit(convert_chunk, chunk))
                    chunk = []
                    drain(block=len(inflight) >= max_inflight)
                if self.stop:
                    break
            if chunk and not self.stop:
                inflight.add(executor.submit(convert_chunk, chunk))
            while inflight and not self.stop:
                drain(block=True)
            if self.stop:  # --fail-fast: keep what already finished, drop the rest
                for future in inflight:
                    future.cancel()
                while inflight:
                    drain(block=True)
            executor.shutdown(wait=True)
        except BaseException:
            _kill_workers(executor)
            raise

    def _tasks(self, writer: ManifestWriter, progress: Progress) -> Iterator[Task]:
        """Tasks for the workers; skipped and already-failed entries are recorded here directly."""
        for item in iter_items(self.inputs, self.base, self.outdir, self.options.limits, self.options.excluded):
            if self.stop:
                return
            if item.error is not None:
                self._record(_failed(item), writer, progress)
                continue
            previous = self._complete_previous(item)
            if previous is not None:
                self.stats.skipped += 1
                self._count(previous, progress, skipped=True)
                continue
            yield (item.rel, item.shown, item.path, item.data)

    def _complete_previous(self, item: Item) -> dict[str, Any] | None:
        """The manifest record of a finished output for this very input (same bytes), else None."""
        record = self.previous.get(item.rel)
        if not record or record.get("status") != "ok" or not record.get("sha256"):
            return None
        if self.options.fmt == "jsonl":
            if (record.get("path"), record["sha256"]) not in self.jsonl_kept:
                return None
        elif not record.get("output") or not (self.outdir / record["output"]).is_file():
            return None
        if item.data is not None:
            digest = hashlib.sha256(item.data).hexdigest()
        else:
            try:
                digest = _file_sha256(Path(item.path or ""))
            except OSError:
                return None
        if digest != record["sha256"] or record.get("path") != item.shown:
            return None
        return record

    # ------------------------------------------------------------ results

    def _record(self, record: dict[str, Any], writer: ManifestWriter, progress: Progress) -> None:
        line = record.pop("line", None)
        fragment = record.pop("csv", None)
        if fragment is not None and record["status"] == "ok":
            self.spool.add((record["path"], record["sha256"]), fragment)
        if line is not None and self.jsonl is not None:
            self.jsonl.write(line + "\n")
            self.jsonl.flush()
            self.jsonl_kept.add((record["path"], record["sha256"]))
        writer.append(record)
        self.records[record["rel"]] = record
        if record["status"] == "ok":
            self.stats.ok += 1
        else:
            self.stats.failed += 1
            reason = record.get("reason") or "error"
            self.stats.reasons[reason] += 1
            self.stats.examples.setdefault(reason, record.get("error") or "")
            if self.options.fail_fast:
                self.stop = True
        self._count(record, progress)

    def _count(self, record: dict[str, Any], progress: Progress, skipped: bool = False) -> None:
        self.stats.done += 1
        self.stats.total = max(self.stats.total, self.stats.done)
        self.stats.tasks += int(record.get("n_tasks") or 0)
        progress.update()

    # ------------------------------------------------------------ JSONL output

    def _open_jsonl(self) -> None:
        """Start notices.jsonl.partial with the lines of inputs the manifest says are done."""
        final, partial = self.outdir / JSONL_NAME, self.outdir / (JSONL_NAME + ".partial")
        wanted = {(r.get("path"), r.get("sha256")) for r in self.previous.values() if r.get("status") == "ok"}
        rebuilt = self.outdir / f".{JSONL_NAME}.rebuild.tmp"
        with rebuilt.open("w", encoding="utf-8") as out:
            for source in (final, partial):
                for line in _complete_lines(source):
                    key = _line_key(line)
                    if key is not None and key in wanted and key not in self.jsonl_kept:
                        out.write(line)
                        self.jsonl_kept.add(key)
            out.flush()
            os.fsync(out.fileno())
        os.replace(rebuilt, partial)
        self.jsonl = partial.open("a", encoding="utf-8")

    # ------------------------------------------------------------ end of run

    def _finish(self) -> None:
        """Finalise notices.jsonl, rebuild tasks.csv from every finished output, compact the manifest.

        tasks.csv always describes everything OUTDIR holds (converted now or in an earlier run), so
        it is complete after a resumed run.
        """
        done = {rel: r for rel, r in sorted(self.records.items()) if r.get("status") == "ok"}
        if self.options.fmt == "jsonl":
            self._finish_jsonl({(r.get("path"), r.get("sha256")) for r in done.values()})
            sources: Iterator[tuple[tuple[str, str] | None, str]] = (
                (_line_key(line), line) for line in _complete_lines(self.outdir / JSONL_NAME))
        else:
            sources = (((r["path"], r["sha256"]), str(self.outdir / r["output"])) for r in done.values()
                       if r.get("output") and (self.outdir / r["output"]).is_file())
        self._write_csv(sources)
        compact_manifest(self.manifest_path, self.records)

    def _finish_jsonl(self, wanted: set[tuple[Any, Any]]) -> None:
        """notices.jsonl = one line per finished input (stale and duplicate lines dropped), atomically."""
        partial = self.outdir / (JSONL_NAME + ".partial")
        seen: set[tuple[str, str]] = set()
        with _atomic_stream(self.outdir / JSONL_NAME) as out:
            for line in _complete_lines(partial):
                key = _line_key(line)
                if key in wanted and key not in seen:
                    seen.add(key)
                    out.write(line)
        partial.unlink(missing_ok=True)

    def _write_csv(self, sources: Iterator[tuple[tuple[str, str] | None, str]]) -> None:
        """Stream tasks.csv (UTF-8 with BOM) through a temp file, in output order.

        Rows of notices converted in this run come from the spool the workers filled; only outputs
        of earlier runs are read back and parsed (in a pool, a bounded window at a time).
        """
        from ..output import to_csv

        target = self.outdir / CSV_NAME
        with _atomic_stream(target) as out, _FragmentPool(self.workers) as pool:
            out.write("\ufeff" + to_csv([], header=True))
            for window in _windows(sources, 256):
                rows = [self.spool.get(key) if key is not None else None for key, _ in window]
                parsed = iter(pool.fragments([source for (_, source), row in zip(window, rows, strict=True)
                                              if row is None]))
                for row in rows:
                    out.write(row if row is not None else next(parsed))


# ---------------------------------------------------------------- helpers


def _failed(item: Item) -> dict[str, Any]:
    digest = hashlib.sha256(item.data).hexdigest() if item.data else None
    return {"path": item.shown, "rel": item.rel, "output": None, "sha256": digest, "status": "failed",
            "n_tasks": 0, "seconds": 0.0, "error": f"{item.shown}: {item.error}", "reason": item.reason}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _complete_lines(path: Path) -> Iterator[str]:
    """Lines of a JSONL file, without a truncated last line."""
    if not path.exists():
        return
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.endswith("\n"):
                yield line


_SOURCE_KEY = '"source":'
_DECODER = json.JSONDecoder()


def _line_key(line: str) -> tuple[str, str] | None:
    """(path, sha256) of a notices.jsonl line; parses only its leading source object."""
    try:
        at = line.find(_SOURCE_KEY, 0, 200)
        source = json.loads(line)["source"] if at < 0 else _DECODER.raw_decode(line, at + len(_SOURCE_KEY))[0]
        return source["path"], source["sha256"]
    except (ValueError, KeyError, TypeError):
        return None


class CsvSpool:
    """tasks.csv rows of the notices converted in this run, kept in an anonymous temp file.

    The workers render each notice's rows while they still hold its extraction, so the end of
    the run need not read back and parse every output. The file lives in OUTDIR (same disk as the
    outputs), has no name (nothing is left behind by a kill) and only offsets stay in memory.
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.handle: IO[bytes] | None = None
        self.index: dict[tuple[str, str], tuple[int, int]] = {}
        self.size = 0

    def add(self, key: tuple[str, str], fragment: str) -> None:
        if self.handle is None:
            self.handle = tempfile.TemporaryFile(dir=self.outdir)  # noqa: SIM115 (closed by close())
        data = fragment.encode("utf-8")
        self.handle.seek(self.size)
        self.handle.write(data)
        self.index[key] = (self.size, len(data))
        self.size += len(data)

    def get(self, key: tuple[str, str]) -> str | None:
        where = self.index.get(key)
        if where is None or self.handle is None:
            return None
        self.handle.seek(where[0])
        return self.handle.read(where[1]).decode("utf-8")

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def __enter__(self) -> CsvSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _windows(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    window: list[Any] = []
    for item in items:
        window.append(item)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


class _FragmentPool:
    """csv_fragments over many outputs: in this process for a few, in a pool (started on first need) for many."""

    def __init__(self, workers: int, min_parallel: int = 32) -> None:
        self.workers = workers
        self.min_parallel = min_parallel
        self.executor: ProcessPoolExecutor | None = None

    def fragments(self, sources: list[str]) -> list[str]:
        if self.workers <= 1 or len(sources) < self.min_parallel:
            return csv_fragments(sources)
        if self.executor is None:
            import multiprocessing

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))
        step = max(1, len(sources) // (self.workers * 2))
        chunks = self.executor.map(csv_fragments, [sources[i:i + step] for i in range(0, len(sources), step)])
        return [text for chunk in chunks for text in chunk]

    def __enter__(self) -> _FragmentPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)


def _atomic_stream(target: Path) -> AbstractContextManager[TextIO]:
    """Like writefile.atomic_write_text, for output too big to hold in memory."""
    from ..writefile import atomic_open

    return atomic_open(target, "w", encoding="utf-8", newline="")


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    """Stop workers now (Ctrl-C, kill): their half-written temp files are removed on the next run."""
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted()


# ---------------------------------------------------------------- progress and summary


class Progress:
    """No-op progress (also the base of the others)."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self) -> None:
        pass


class PlainProgress(Progress):
    """One line every few seconds on stderr, for logs and CI."""

    def __init__(self, stats: Stats, every: float = 5.0) -> None:
        super().__init__(stats)
        self.every = every
        self.last = time.monotonic()

    def update(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            print_line(progress_text(self.stats))

    def __exit__(self, *exc: object) -> None:
        print_line(progress_text(self.stats))


class RichProgress(Progress):
    """A live bar: done/total, files/s, failures so far, ETA."""

    def __init__(self, stats: Stats) -> None:
        super().__init__(stats)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.progress import Progress as RichBar

        self.bar = RichBar(TextColumn("batch"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("{task.fields[rate]} files/s"), TextColumn("[red]{task.fields[failed]} failed"),
                           TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                           console=Console(stderr=True), refresh_per_second=5)
        self.task = self.bar.add_task("batch", total=stats.total, rate="0", failed=0)
        self.next_refresh = 0.0

    def __enter__(self) -> Progress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.update(force=True)
        self.bar.stop()

    def update(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self.next_refresh:
            return
        self.next_refresh = now + 0.1
        elapsed = max(time.perf_counter() - self.stats.started, 1e-9)
        self.bar.update(self.task, completed=self.stats.done, total=self.stats.total,
                        rate=f"{self.stats.done / elapsed:.0f}", failed=self.stats.failed)


def make_progress(kind: str, stats: Stats) -> Progress:
    if kind == "auto":
        kind = "bar" if sys.stderr.isatty() else "plain"
    if kind == "bar":
        return RichProgress(stats)
    if kind == "plain":
        return PlainProgress(stats)
    return Progress(stats)


def progress_text(stats: Stats) -> str:
    elapsed = max(time.perf_counter() - stats.started, 1e-9)
    rate = stats.done / elapsed
    left = (stats.total - stats.done) / rate if rate > 0 else 0.0
    return (f"batch: {stats.done}/{stats.total} done, {stats.failed} failed, {rate:.0f} files/s, "
            f"{elapsed:.0f} s elapsed, ETA {left:.0f} s")


def print_line(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def print_summary(stats: Stats, outdir: Path, fmt: str) -> None:
    """The end-of-run table (stdout): what was done, what failed and why, how long it took."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    elapsed = time.perf_counter() - stats.started
    table = Table(title=f"policyparse batch → {escape(str(outdir))}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("inputs", str(stats.done))
    table.add_row("converted", str(stats.ok))
    table.add_row("skipped (already done)", str(stats.skipped))
    table.add_row("failed", str(stats.failed))
    table.add_row("tasks", str(stats.tasks))
    table.add_row("time", f"{elapsed:.1f} s")
    table.add_row("rate", f"{stats.done / max(elapsed, 1e-9):.0f} files/s")
    console = Console(highlight=False, soft_wrap=True)
    console.print(table)
    if stats.reasons:
        reasons = Table(title="failures by reason")
        reasons.add_column("reason")
        reasons.add_column("count", justify="right")
        reasons.add_column("example")
        for reason, count in stats.reasons.most_common():
            reasons.add_row(escape(reason), str(count), escape(stats.examples.get(reason, "")))
        console.print(reasons)
        console.print(f"details: {escape(str(outdir / MANIFEST_NAME))} (status \"failed\")")
