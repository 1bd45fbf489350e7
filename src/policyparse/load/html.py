"""html notices (see issue: Word, PDF and HTML notices)."""

from __future__ import annotations

from ..errors import InputError
from . import Loaded


def load_html(data: bytes, shown: str, digest: str) -> Loaded:
    raise InputError(shown, "html input is not supported yet")
