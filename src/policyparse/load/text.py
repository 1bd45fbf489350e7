"""Plain-text notices: detect the encoding reliably, never decode into garbage silently."""

from __future__ import annotations

from ..errors import InputError
from . import Loaded

CANDIDATES = ("utf-8", "gb18030", "big5")


def decode(data: bytes) -> tuple[str, str]:
    """BOM, then strict UTF-8, then strict gb18030 / big5; raise ValueError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in CANDIDATES:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("no known encoding decodes this file")


def load_text(data: bytes, shown: str, digest: str) -> Loaded:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(shown, "binary data, not a text notice")
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise InputError(shown, f"cannot decode text ({exc})") from exc
    return Loaded(path=shown, format="txt", sha256=digest, encoding=encoding, text=text)
