"""Finding the notices in batch inputs: files, folders, globs, zip and tar archives.

Everything here runs in the main process and yields `Item`s: a notice to convert, or an entry that
is already known to fail (unsafe member name, size limit, symlink out of the tree). Nothing is
silently dropped, so the manifest accounts for every candidate input. File items carry a path
(the worker reads it); archive members carry their bytes, read under the size limits.
"""

from __future__ import annotations

import glob
import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import UsageError
from ..load import HTML_SUFFIXES, OLD_BINARY_SUFFIXES

#: Suffixes picked up when walking folders and archives (explicit file arguments are always taken).
NOTICE_SUFFIXES = frozenset({".txt", ".text", ".md", ".docx", ".pdf", ".ofd", *HTML_SUFFIXES, *OLD_BINARY_SUFFIXES})
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
GLOB_CHARS = frozenset("*?[")
LIST_ONLY = 99  # archive depth meaning "list members, do not read them" (the counting pass)


@dataclass(frozen=True)
class Limits:
    """Zip-bomb guards; sizes in bytes."""

    max_member: int = 50 * 1024 * 1024
    max_total: int = 2 * 1024 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_floor: int = 1024 * 1024  # members smaller than this are never bombs, whatever their ratio


@dataclass
class Item:
    """One candidate notice. Exactly one of `path`, `data`, `error` says how it is handled."""

    rel: str  # POSIX path relative to the batch base; the output mirrors it
    shown: str  # how it is named in messages and in source.path
    path: str | None = None  # a file on disk, read by the worker
    data: bytes | None = None  # an archive member's bytes
    error: str | None = None  # known failure: recorded without running the pipeline
    reason: str | None = None  # short failure category for the summary


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def is_notice(name: str) -> bool:
    return PurePosixPath(name.lower()).suffix in NOTICE_SUFFIXES


def expand_inputs(inputs: list[Path]) -> list[Path]:
    """Expand quoted globs (`'archive/**/*.zip'`); other paths are kept as typed."""
    expanded: list[Path] = []
    for item in inputs:
        text = str(item)
        if not item.exists() and GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise UsageError(f"{text}: no file matches this pattern")
            expanded.extend(Path(m) for m in matches)
        elif not item.exists() and not item.is_symlink():
            raise UsageError(f"{text}: no such file or folder")
        else:
            expanded.append(item)
    return expanded


def batch_base(inputs: list[Path]) -> Path:
    """The folder output paths are relative to: a single folder input itself, else the common parent."""
    resolved = [p.absolute() for p in inputs]
    if len(resolved) == 1 and resolved[0].is_dir():
        return resolved[0]
    roots = [p if p.is_dir() and len(resolved) == 1 else p.parent for p in resolved]
    return Path(os.path.commonpath([str(r) for r in roots]))


def check_outdir(inputs: list[Path], outdir: Path, excluded: list[str]) -> None:
    """Refuse an OUTDIR inside an input folder (unless excluded) or an input inside OUTDIR."""
    out = outdir.resolve()
    for item in inputs:
        real = item.resolve()
        if real == out or real.is_relative_to(out):
            raise UsageError(f"{item}: input is inside the output folder {outdir}; choose another -o")
        if item.is_dir() and out.is_relative_to(real):
            rel = out.relative_to(real).as_posix()
            if not _excluded(rel, excluded):
                raise UsageError(f"output folder {outdir} is inside input folder {item}; "
                                 f"choose another -o or add --exclude {rel}")


def _excluded(rel: str, patterns: list[str]) -> bool:
    """A path is excluded when it, or one of its parent folders, matches a pattern."""
    if not patterns:
        return False
    parts = PurePosixPath(rel).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(PurePosixPath(p).match(pat) or p == pat.rstrip("/") for pat in patterns for p in prefixes)


def safe_member_name(name: str) -> str | None:
    """The member's path as POSIX, or None when it could escape OUTDIR (absolute, `..`, drive letter)."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts) or any("\x00" in p for p in parts):
        return None
    return "/".join(parts)


def decode_zip_name(info: zipfile.ZipInfo) -> str:
    """Recover member names written in GBK (Chinese Windows tools) that zipfile decoded as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def decode_tar_name(name: str) -> str:
    """tarfile decodes names as UTF-8 with surrogateescape; GBK names come back as surrogates."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return name


class Budget:
    """Uncompressed bytes still allowed for one top-level archive (nested ones share it)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.used = 0

    def take(self, size: int) -> str | None:
        self.used += size
        if self.used > self.limits.max_total:
            return f"archive exceeds the total uncompressed size limit ({self.limits.max_total // 2**20} MB)"
        return None


def _read_capped(handle: io.BufferedIOBase | io.RawIOBase, cap: int) -> bytes | None:
    """Read at most cap bytes; None when there is more (a declared size that lied)."""
    data = handle.read(cap + 1)
    return None if data is None or len(data) > cap else data


def iter_items(inputs: list[Path], base: Path, outdir: Path, limits: Limits,
               excluded: list[str] | None = None, read: bool = True) -> Iterator[Item]:
    """Every candidate notice of every input, in a stable order.

    With read=False archive members are listed without being decompressed (nested archives count
    as one entry): a cheap first pass that gives the progress bar its total.
    """
    excluded = excluded or []
    seen: set[str] = set()
    for item in inputs:
        for found in _iter_input(item, base, outdir, limits, excluded, read):
            if found.rel in seen:  # the same file given twice (e.g. a folder and a file inside it)
                continue
            seen.add(found.rel)
            yield found


def _rel(path: Path, base: Path) -> str:
    absolute = path.absolute()
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return absolute.as_posix().lstrip("/")


def _iter_input(item: Path, base: Path, outdir: Path, limits: Limits, excluded: list[str],
                read: bool) -> Iterator[Item]:
    if item.is_dir():
        yield from _walk(item, base, outdir, limits, excluded, read)
    elif is_archive(item.name):
        rel = _rel(item, base)
        yield from _archive_file(item, rel, str(item), limits, read)
    else:
        yield Item(rel=_rel(item, base), shown=str(item), path=str(item))


def _walk(root: Path, base: Path, outdir: Path, limits: Limits, excluded: list[str],
          read: bool) -> Iterator[Item]:
    """Recursive walk in sorted order; symlinks are followed only when they stay inside the tree."""
    real_root = root.resolve()
    real_out = outdir.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        current = Path(dirpath)
        kept_dirs = []
        for name in sorted(dirnames):
            sub = current / name
            rel_in_root = sub.relative_to(root).as_posix()
            if name.startswith(".") or _excluded(rel_in_root, excluded) or sub.resolve() == real_out:
                continue
            if sub.is_symlink():
                if not sub.resolve().is_relative_to(real_root):
                    yield Item(rel=_rel(sub, base), shown=str(sub), error="symlinked folder points outside the input "
                               "tree; not followed", reason="symlink outside tree")
                continue  # a link inside the tree: its target is walked anyway
            kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            path = current / name
            rel_in_root = path.relative_to(root).as_posix()
            if name.startswith(".") or _excluded(rel_in_root, excluded):
                continue
            if not (is_notice(name) or is_archive(name)):
                continue
            rel = _rel(path, base)
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                yield Item(rel=rel, shown=str(path), error="symlink points outside the input tree; not followed",
                           reason="symlink outside tree")
                continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                yield Item(rel=rel, shown=str(path), error=f"cannot read file ({exc.strerror or exc})",
                           reason="unreadable")
                continue
            if not stat.S_ISREG(mode):
                continue
            if is_archive(name):
                yield from _archive_file(path, rel, str(path), limits, read)
            else:
                yield Item(rel=rel, shown=str(path), path=str(path))


def _archive_file(path: Path, rel: str, shown: str, limits: Limits, read: bool) -> Iterator[Item]:
    try:
        with path.open("rb") as handle:
            yield from _archive_members(handle, path.name, rel, shown, limits, Budget(limits),
                                        0 if read else LIST_ONLY)
    except OSError as exc:
        yield Item(rel=rel, shown=shown, error=f"cannot read archive ({exc.strerror or exc})", reason="unreadable")


def _archive_members(handle: io.BufferedIOBase, name: str, rel: str, shown: str, limits: Limits, budget: Budget,
                     depth: int) -> Iterator[Item]:
    """Members of one archive; a broken archive becomes one failed item named after the archive."""
    lower = name.lower()
    try:
        if lower.endswith(".zip"):
            yield from _zip_members(handle, rel, shown, limits, budget, depth)
        else:
            yield from _tar_members(handle, rel, shown, limits, budget, depth)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        yield Item(rel=rel, shown=shown, error=f"damaged archive ({type(exc).__name__}: {exc})",
                   reason="damaged archive")


def _member(data: bytes, member: str, rel: str, shown: str, limits: Limits, budget: Budget,
            depth: int) -> Iterator[Item]:
    """A member's bytes become a notice item, or (one level deep) the members of a nested archive."""
    if is_archive(member):
        if depth >= 1:
            yield Item(rel=rel, shown=shown, error="archive nested more than one level deep; not opened",
                       reason="nested too deep")
            return
        yield from _archive_members(io.BytesIO(data), member, rel, shown, limits, budget, depth + 1)
    else:
        yield Item(rel=rel, shown=shown, data=data)


def _limit_error(size: int, compressed: int | None, limits: Limits) -> str | None:
    if size > limits.max_member:
        return f"member is too large ({size} bytes, limit {limits.max_member})"
    if compressed is not None and size > limits.ratio_floor and size > limits.max_ratio * max(compressed, 1):
        return f"compression ratio {size / max(compressed, 1):.0f}:1 exceeds the limit {limits.max_ratio:.0f}:1"
    return None


def _zip_members(handle: io.BufferedIOBase, rel: str, shown: str, limits: Limits, budget: Budget,
                 depth: int) -> Iterator[Item]:
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            decoded = decode_zip_name(info)
            member = safe_member_name(decoded)
            if member is None:
                yield Item(rel=f"{rel}/{_printable(decoded)}", shown=f"{shown}/{decoded}",
                           error="unsafe member name (absolute or '..'); rejected", reason="unsafe member name")
                continue
            base_name = member.rsplit("/", 1)[-1]
            if base_name.startswith(".") or member.startswith("__MACOSX/"):
                continue
            if not (is_notice(member) or is_archive(member)):
                continue
            item_rel, item_shown = f"{rel}/{member}", f"{shown}/{member}"
            problem = _limit_error(info.file_size, info.compress_size, limits) or budget.take(info.file_size)
            blocked = _not_read(item_rel, item_shown, problem, depth)
            if blocked:
                yield blocked
                continue
            with archive.open(info) as stream:
                data = _read_capped(stream, min(limits.max_member, max(info.file_size, 0)))
            if data is None:
                yield Item(rel=item_rel, shown=item_shown, error="member is larger than its header says",
                           reason="size limit")
                continue
            yield from _member(data, member, item_rel, item_shown, limits, budget, depth)


def _not_read(rel: str, shown: str, problem: str | None, depth: int) -> Item | None:
    """A member that is not read: over a size limit (failed), or nested too deep (listed only)."""
    if problem:
        return Item(rel=rel, shown=shown, error=problem, reason="size limit")
    if depth >= LIST_ONLY:
        return Item(rel=rel, shown=shown, data=b"")
    return None


def _tar_members(handle: io.BufferedIOBase, rel: str, shown: str, limits: Limits, budget: Budget,
                 depth: int) -> Iterator[Item]:
    # Streaming mode ("r|*"): one pass, no seeking, so .tar.gz is decompressed once.
    with tarfile.open(fileobj=handle, mode="r|*") as archive:
        for info in archive:
            decoded = decode_tar_name(info.name)
            member = safe_member_name(decoded)
            if info.isdir():
                continue
            over_total = budget.take(info.size if info.isfile() else 0)
            if over_total:  # stop decompressing: the rest of the stream is not read at all
                yield Item(rel=f"{rel}/{_printable(decoded) if member is None else member}",
                           shown=f"{shown}/{decoded}", error=over_total + "; rest of the archive not read",
                           reason="size limit")
                return
            if member is None:
                yield Item(rel=f"{rel}/{_printable(decoded)}", shown=f"{shown}/{decoded}",
                           error="unsafe member name (absolute or '..'); rejected", reason="unsafe member name")
                continue
            base_name = member.rsplit("/", 1)[-1]
            if base_name.startswith(".") or not (is_notice(member) or is_archive(member)):
                continue
            item_rel, item_shown = f"{rel}/{member}", f"{shown}/{member}"
            if not info.isfile():
                yield Item(rel=item_rel, shown=item_shown, error="link or special member; not followed",
                           reason="link member")
                continue
            blocked = _not_read(item_rel, item_shown, _limit_error(info.size, None, limits), depth)
            if blocked:
                yield blocked
                continue
            stream = archive.extractfile(info)
            data = stream.read() if stream is not None else b""
            yield from _member(data, member, item_rel, item_shown, limits, budget, depth)


def _printable(name: str) -> str:
    """An unsafe name made harmless for the manifest key (it is never used as an output path)."""
    return "__unsafe__/" + name.replace("\\", "/").replace("/", "%2F")
