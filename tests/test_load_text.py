"""load_text: every common encoding round-trips exactly; garbage is refused, never decoded."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyparse.errors import InputError
from policyparse.load.text import load_text

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _load(data: bytes):
    return load_text(data, "x.txt", "0" * 64)


def _sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def test_utf8_sample_is_read_as_utf8() -> None:
    loaded = _load((SAMPLES / "lanzhou-2020-workpoints.txt").read_bytes())
    assert loaded.encoding == "utf-8"
    assert loaded.repairs == {}


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["lanzhou-2020-workpoints", "ganyu-quarterly-plan",
                                  "jiayuguan-siyou-flattened-docx"])
def test_simplified_samples_round_trip(tmp_path: Path, name: str, codec: str) -> None:
    text = _sample(name)
    encodable = text.encode(codec, errors="replace").decode(codec)
    path = tmp_path / f"{name}.{codec}.txt"
    path.write_bytes(encodable.encode(codec))
    loaded = _load(path.read_bytes())
    assert loaded.text.lstrip("\ufeff") == encodable.lstrip("\ufeff")


def test_big5_copy_round_trips(tmp_path: Path) -> None:

    traditional = _sample("xixian-2017-plan-traditional")
    big5 = traditional.encode("big5", errors="replace")
    path = tmp_path / "xixian.big5.txt"
    path.write_bytes(big5)
    loaded = _load(path.read_bytes())
    assert loaded.encoding == "big5"
    assert loaded.text == big5.decode("big5")


@pytest.mark.parametrize("snippet", ["各新城,新區管委會各部門", "發布時間:2017-08-08 來源:西咸", "無障礙"])
def test_short_big5_lines(snippet: str) -> None:
    assert _load(snippet.encode("big5")).text == snippet


@pytest.mark.parametrize("snippet", ["无障碍", "关于印发《兰州新区2020年深化改革工作要点》的通知"])
def test_short_gbk_lines(snippet: str) -> None:
    loaded = _load(snippet.encode("gbk"))
    assert loaded.text == snippet
    assert loaded.encoding == "gb18030"


def test_mixed_utf8_and_gbk_lines_are_decoded_line_by_line() -> None:
    lines = ["一、总体要求", "（一）指导思想", "全面贯彻党的十九大精神"]
    data = b"\n".join([lines[0].encode("utf-8"), lines[1].encode("gbk"), lines[2].encode("utf-8")])
    loaded = _load(data)
    assert loaded.text.split("\n") == lines
    assert loaded.repairs == {"mixed_encoding": 1}


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "Root Entry".encode("utf-16-le"),
        b"PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"\x01\x02\x03\x04\x05\x06 text \x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17",
        b"????? ???? ?????? ???? ????? ?????? ??? ??????",
    ],
    ids=["random-bytes", "ole-doc", "binary-with-nul", "control-chars", "all-question-marks"],
)
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(InputError):
        _load(data)


def test_latin_text_uses_a_fallback_codec() -> None:
    loaded = _load("Politique de la ville : café, naïve, élève, déjà vu.".encode("cp1252"))
    assert "café" in loaded.text
