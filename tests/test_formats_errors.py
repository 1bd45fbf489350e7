"""Unusable inputs fail with one clear line naming the file and what to do, never an empty success."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyparse.errors import InputError
from policyparse.load import load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("name", "reason", "hint"), [
    ("old.doc", "Word 97-2003", "convert it to .docx"),
    ("old.wps", "WPS", "convert it to .docx"),
    ("locked.docx", "encrypted", "password"),
    ("corrupt.docx", "corrupt .docx", "save it again"),
    ("scanned.pdf", "no text layer (scanned PDF?)", "run OCR first"),
    ("encrypted.pdf", "encrypted", "password"),
    ("truncated.pdf", "damaged", "new copy"),
])
def test_unusable_file_is_a_clear_error(name: str, reason: str, hint: str) -> None:
    with pytest.raises(InputError) as caught:
        load(FIXTURES / name)
    assert name in caught.value.path
    assert reason in caught.value.reason
    assert caught.value.hint is not None and hint in caught.value.hint


def test_ofd_zip_bomb_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.ofd"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", b"<OFD/>")
        archive.writestr("Doc_0/big.xml", b"\0" * (40 * 1024 * 1024))
    with pytest.raises(InputError, match="too large"):
        load(path)


def test_ofd_without_docroot_is_corrupt(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "empty.ofd"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    with pytest.raises(InputError, match="DocRoot"):
        load(path)


def test_cli_exits_1_with_the_reason() -> None:
    from policyparse.cli import app

    result = CliRunner().invoke(app, ["extract", str(FIXTURES / "scanned.pdf")])
    assert result.exit_code == 1
    assert "no text layer" in (result.stderr if hasattr(result, "stderr") else result.output)
