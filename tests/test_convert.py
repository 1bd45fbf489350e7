"""convert.to_simplified: tw2s plus the post-fix table, fast path for simplified text."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse import convert
from policyparse.clean import repair
from policyparse.convert import detect_script, to_simplified

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("隨著改革深入，著力打造", "随着改革深入，着力打造"),
        ("陜西省西咸新區", "陕西省西咸新区"),
        ("衞生健康委員會", "卫生健康委员会"),
        ("「放管服」改革", "“放管服”改革"),
        ("成績卓著的論著", "成绩卓著的论著"),
        ("建立健全整合效能許可權", "建立健全整合效能许可权"),  # tw2sp would give 创建/集成/性能/权限
    ],
)
def test_conversion(text: str, expected: str) -> None:
    assert to_simplified(text)[0] == expected


def test_simplified_text_is_returned_untouched() -> None:
    text = _sample("lanzhou-2020-workpoints")
    out, script, repairs = to_simplified(text)
    assert out is text or out == text
    assert script == "simplified"
    assert not repairs


@pytest.mark.parametrize("name", ["lanzhou-2020-workpoints", "ganyu-quarterly-plan",
                                  "jiayuguan-siyou-flattened-docx", "lanzhou-95-measures-news"])
def test_simplified_samples_are_detected(name: str) -> None:
    assert detect_script(_sample(name)) == "simplified"


def test_xixian_is_traditional_and_keeps_length() -> None:
    text, _ = repair(_sample("xixian-2017-plan-traditional"))
    out, script, repairs = to_simplified(text)
    assert script == "traditional"
    assert len(out) == len(text)
    assert "陕西省西咸新区开发建设管理委员会" in out
    assert out.startswith("各新城，新区管委会各部门") or out.startswith("各新城,新区管委会各部门")
    assert "着力" in out and "著力" not in out
    assert repairs["traditional_to_simplified"] > 2000


def test_mixed_script() -> None:
    assert detect_script("这是简体们说的话，這是繁體說的話") == "mixed"


def test_taiwan_wording_only_on_marked_pages() -> None:
    out, _, repairs = to_simplified("最佳化營商環境，建設政府入口網站和應用程式")
    assert out == "优化营商环境，建设政府门户网站和应用程序"
    assert repairs["taiwan_wording"] == 3
    plain, _, plain_repairs = to_simplified("推进程式化管理")
    assert plain == "推进程式化管理" and not plain_repairs["taiwan_wording"]


def test_reimplemented_config_name_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """opencc-python-reimplemented only knows 'tw2s.json'; the loader retries with it."""
    import opencc

    from policyparse import convert

    real = opencc.OpenCC
    calls: list[str] = []

    def picky(config: str) -> object:
        calls.append(config)
        if not config.endswith(".json"):
            raise ValueError("unknown config")
        return real(config.removesuffix(".json"))

    monkeypatch.setattr(opencc, "OpenCC", picky)
    convert._converter.cache_clear()
    try:
        assert convert._converter().convert("開發") == "开发"
        assert calls == ["tw2s", "tw2s.json"]
    finally:
        convert._converter.cache_clear()


# ---- fast paths: each must decide exactly what the plain form decides ------------------------------

def _reference_to_simplified(text: str) -> tuple[str, str, Counter[str]]:
    """to_simplified as first written: findall counts, a translate, every fix searched for."""
    tables = convert._tables()
    repairs: Counter[str] = Counter()
    script = "simplified"
    if tables.traditional.search(text) is not None:
        trad = len(tables.traditional.findall(text))
        simp = len(tables.simplified_only.findall(text))
        script = "traditional" if trad / (trad + simp) >= convert.MIXED_SHARE else "mixed"
    out = text
    if script != "simplified":
        out = convert._convert(text)
        repairs["traditional_to_simplified"] += len(tables.traditional.findall(text))
    if tables.char_fix_keys.search(out) is not None:
        repairs["conversion_variants"] += len(tables.char_fix_keys.findall(out))
        out = out.translate(tables.char_fixes)
    if tables.phrase_fixes is not None:
        out, n = tables.phrase_fixes.subn(lambda m: tables.phrase_map[m.group(0)], out)
        if n:
            repairs["conversion_phrases"] += n
    if tables.taiwan_markers is not None and tables.taiwan_phrases is not None \
            and tables.taiwan_markers.search(out) is not None:
        new = tables.taiwan_phrases.sub(lambda m: tables.taiwan_map[m.group(0)], out)
        changed = sum(tables.taiwan_map[w] != w for w in tables.taiwan_phrases.findall(out))
        if changed:
            repairs["taiwan_wording"] += changed
        out = new
    return out, script, repairs


CONVERT_PIECES = ["這", "是", "们", "说", "著", "卓", "论", "着", "「", "」", "陜", "衞", "最佳化", "網際網路", "入口網站", "程式",
                  "程式化", "é", "·", "𠀀", "\n", "，", "a", "专", "编", "網", "际", "網路"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CONVERT_PIECES), max_size=16).map("".join))
def test_to_simplified_matches_the_plain_form(text: str) -> None:
    assert to_simplified(text) == _reference_to_simplified(text)


def test_xixian_matches_the_plain_form() -> None:
    text, _ = repair(_sample("xixian-2017-plan-traditional"))
    assert to_simplified(text) == _reference_to_simplified(text)


def test_gb2312_table_is_what_the_codec_encodes() -> None:
    encodable = set()
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        encodable.add(chr(code))
    assert encodable == convert._gb2312_chars()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CONVERT_PIECES), max_size=20).map("".join))
def test_script_counts_equal_findall(text: str) -> None:
    tables = convert._tables()
    assert convert._script_counts(text, tables) == (len(tables.traditional.findall(text)),
                                                  len(tables.simplified_only.findall(text)))


def test_a_nul_character_does_not_end_the_text() -> None:
    """Native OpenCC reads a C string: text after a NUL was lost (found by the property test)."""
    from policyparse.convert import to_simplified

    assert len(to_simplified("\x00蔿")[0]) == 2
    assert to_simplified("國務院\x00辦公廳")[0] == "国务院\x00办公厅"
