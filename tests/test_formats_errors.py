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


# --- the content decides, not the name: downloads from portals ---------------------------------


def _docx_bytes() -> bytes:
    return (Path(__file__).parent / "fixtures" / "notice.docx").read_bytes()


@pytest.mark.parametrize("name", ["notice.doc", "downfile", "notice.bin"])
def test_a_word_document_under_another_name_is_read(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_docx_bytes())
    assert load(path).format == "docx"


@pytest.mark.parametrize("name", ["page", "page.jsp", "attachment.doc"])
def test_a_page_under_another_name_is_read_as_html(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("<!DOCTYPE html><html><body><p>某市人民政府关于做好某项工作的通知</p></body></html>", encoding="utf-8")
    loaded = load(path)
    assert loaded.format == "html" and "某市人民政府关于做好某项工作的通知" in loaded.text


def test_a_web_archive_is_decoded(tmp_path: Path) -> None:
    import quopri

    page = "<html><body><p>某市人民政府关于做好某项工作的通知</p></body></html>".encode()
    mht = (b"From: <Saved by Blink>\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"B\"\n\n"
           b"--B\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
           + quopri.encodestring(page) + b"\n--B--\n")
    path = tmp_path / "page.mht"
    path.write_bytes(mht)
    assert "某市人民政府关于做好某项工作的通知" in load(path).text


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x1f\x8b\x08\x00" + bytes(range(256)), "gzip-compressed"),
    (b"\xef\xbb\xbf", "file is empty"),
    (bytes(range(256)) * 20, "binary data"),
])
def test_more_unusable_downloads_are_clear_errors(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(data)
    with pytest.raises(InputError, match=reason):
        load(path)


def test_damaged_numbering_values_never_stop_a_docx(tmp_path: Path) -> None:
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/numbering.xml":
                data = data.replace(b'w:ilvl="0"', b'w:ilvl="x"')
            target.writestr(item, data)
    path = tmp_path / "damaged.docx"
    path.write_bytes(out.getvalue())
    assert load(path).text.strip()
