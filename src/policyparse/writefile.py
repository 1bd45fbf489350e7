"""Atomic writes: an output is replaced only once the new one is complete.

Every writer in policyparse goes through `atomic_open`: a temporary file beside the target, then a
rename over it, so a reader (or a resumed run) never sees half a file and an existing output
survives a failed write untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_open(target: Path, mode: str = "wb", *, fsync: bool = True, **kwargs: Any) -> Iterator[IO[Any]]:
    """Yield a temporary file beside `target`; rename it over `target` when the block succeeds.

    `fsync=False` skips the flush to disk: the rename is still atomic for every other process, and
    batch workers make outputs durable with one sync before each manifest fsync instead.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes, *, fsync: bool = True) -> None:
    with atomic_open(target, "wb", fsync=fsync) as handle:
        handle.write(data)


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))
