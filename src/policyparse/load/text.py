"""Plain-text notices: detect the encoding reliably, never decode into garbage silently.

Detectors (charset-normalizer, chardet) fail on short GB/Big5 text, Big5 date lines and mixed
UTF-8 + GBK pages, so the order is: BOM, strict UTF-8, the best-scoring strict CJK codec (share
of common characters), then a line-by-line decode for mixed pages. charset-normalizer is only
asked when no CJK codec fits (Latin text, odd code pages).
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import InputError
from . import Loaded

CJK_CODECS = ("gb18030", "big5", "cp950")
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
GARBAGE_SHARE = 0.30
SCORE_SAMPLE = 65536
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@cache
def common_chars() -> frozenset[str]:
    """Characters a real notice is made of: GB2312 level 1, Big5 level 1, CJK punctuation.

    Built from the codecs themselves, so no character list has to be shipped.
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):  # GB2312 level-1 hanzi
        chars.update(_decode_row("gb2312", lead, range(0xA1, 0xFF)))
    for lead in (0xA1, 0xA3):  # GB2312 punctuation and full-width forms
        chars.update(_decode_row("gb2312", lead, range(0xA1, 0xFF)))
    for lead in range(0xA1, 0xC7):  # Big5 symbols and level-1 hanzi
        chars.update(_decode_row("big5", lead, [*range(0x40, 0x7F), *range(0xA1, 0xFF)]))
    chars.discard("\ufffd")
    return frozenset(chars)


def _decode_row(codec: str, lead: int, trails: range | list[int]) -> list[str]:
    out = []
    for trail in trails:
        try:
            out.append(bytes((lead, trail)).decode(codec))
        except UnicodeDecodeError:
            continue
    return out


def common_share(text: str) -> float:
    """Share of non-ASCII characters that are common CJK; 1.0 for pure ASCII."""
    sample = _NON_ASCII.findall(text[:SCORE_SAMPLE])
    if not sample:
        return 1.0
    common = common_chars()
    return sum(1 for ch in sample if ch in common) / len(sample)


def garbage_share(text: str) -> float:
    """Share of replacement and control characters: above GARBAGE_SHARE the file is not text."""
    sample = text[:SCORE_SAMPLE]
    if not sample:
        return 0.0
    return len(_BAD_CHARS.findall(sample)) / len(sample)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _best_cjk(data: bytes) -> tuple[str, str, float] | None:
    """Best strict CJK decoding by common-character share (ties go to the first codec)."""
    best: tuple[str, str, float] | None = None
    for codec in CJK_CODECS:
        text = _strict(data, codec)
        if text is None:
            continue
        score = common_share(text)
        if best is None or score > best[2]:
            best = (text, "big5" if codec == "cp950" else codec, score)
    return best


def _decode_line(line: bytes) -> tuple[str, bool]:
    """One line of a mixed page: UTF-8 if valid, else the best CJK codec; (text, was_repaired)."""
    text = _strict(line, "utf-8")
    if text is not None:
        return text, False
    best = _best_cjk(line)
    if best is not None:
        return best[0], True
    return line.decode("utf-8", errors="replace"), True


def _decode_mixed(data: bytes) -> tuple[str, int]:
    parts: list[str] = []
    repaired = 0
    for line in data.split(b"\n"):
        text, fixed = _decode_line(line)
        parts.append(text)
        repaired += fixed
    return "\n".join(parts), repaired


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without BOM: the right byte order reads as ordinary text, the wrong one not."""
    best: tuple[str, str] | None = None
    best_score = 0.8
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data, codec) if len(data) % 2 == 0 else None
        if text is None or garbage_share(text) > 0.01:
            continue
        score = common_share(text)
        if score > best_score:
            best, best_score = (text, codec), score
    return best


def decode(data: bytes) -> tuple[str, str, dict[str, int]]:
    """Return (text, encoding name, repairs); raise ValueError when no reading is credible."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec, {}
    if data.startswith(OLE_MAGIC):
        raise ValueError("an old binary Office file (OLE), not text")
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise ValueError("binary data (NUL bytes), not a text notice")
        return found[0], found[1], {}
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8", {}
    best = _best_cjk(data)
    mixed, lines = _decode_mixed(data)
    if best is not None and common_share(mixed) <= best[2] + 0.05:
        return best[0], best[1], {}
    if "\ufffd" not in mixed:
        return mixed, "utf-8", {"mixed_encoding": lines}
    return _fallback(data, mixed, lines)


def _fallback(data: bytes, mixed: str, lines: int) -> tuple[str, str, dict[str, int]]:
    """Non-CJK code pages: ask charset-normalizer; keep the line-wise reading if that is cleaner."""
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        text = str(match)
        if garbage_share(text) < garbage_share(mixed):
            return text, match.encoding, {}
    return mixed, "utf-8", {"mixed_encoding": lines}


def _question_share(text: str) -> float:
    """Pages whose every CJK character became '?' carry no text worth parsing."""
    sample = "".join(text[:SCORE_SAMPLE].split())
    return sample.count("?") / len(sample) if len(sample) >= 20 else 0.0


def load_text(data: bytes, shown: str, digest: str) -> Loaded:
    """Decode a .txt notice; raise InputError rather than hand on garbage."""
    try:
        text, encoding, repairs = decode(data)
    except ValueError as exc:
        raise InputError(shown, f"cannot decode text: {exc}") from exc
    share = garbage_share(text)
    if share > GARBAGE_SHARE:
        raise InputError(shown, f"decodes to garbage ({share:.0%} control or replacement characters)")
    if _question_share(text) > GARBAGE_SHARE:
        raise InputError(shown, "decodes to garbage (most characters are '?')")
    if "\x00" in text:
        raise InputError(shown, "binary data (NUL characters), not a text notice")
    return Loaded(path=shown, format="txt", sha256=digest, encoding=encoding, text=text, repairs=repairs)
