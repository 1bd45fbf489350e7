"""`policyparse batch`: inputs, archives, safety, resume and failure handling (fixtures built here)."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policyparse import cli, pipeline

cli._register_commands()

NOTICE = """关于印发《某市2024年营商环境工作要点》的通知

各县区人民政府，市政府各部门：

现将《某市2024年营商环境工作要点》印发给你们，请认真贯彻落实。

某市人民政府办公室
2024年3月1日

一、优化政务服务
1. 推进“一网通办”，实现高频事项全程网办。（牵头单位：市政务服务中心；责任单位：各县区人民政府；完成时限：2024年6月底前）
2. 压减审批时限，企业开办时间压缩至1个工作日。（牵头单位：市市场监管局；完成时限：2024年12月底前）
二、强化要素保障
3. 完善用地保障机制。（牵头单位：市自然资源局；完成时限：长期坚持）
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["batch", "--progress", "none", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def manifest(out: Path) -> dict[str, dict]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["rel"]: r for r in map(json.loads, lines)}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts pipeline runs (workers=1 runs in this process)."""
    seen: list[str] = []
    original = pipeline.extract_loaded

    def counting(loaded, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(loaded.path)
        return original(loaded, **kwargs)

    monkeypatch.setattr(pipeline, "extract_loaded", counting)
    return seen


def write(path: Path, text: str = NOTICE, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- inputs


def test_folder_recursion_mirrors_tree(tmp_path: Path) -> None:
    src = tmp_path / "in"
    write(src / "a.txt")
    write(src / "sub" / "deep" / "b.txt", encoding="gb18030")
    (src / "sub" / "image.png").write_bytes(b"\x89PNG not a notice")
    write(src / ".hidden.txt")
    out = tmp_path / "out"
    code, _ = run(str(src), "-o", str(out), "-w", "1")
    assert code == 0
    assert (out / "a.txt.json").is_file()
    assert (out / "sub" / "deep" / "b.txt.json").is_file()
    assert not (out / "sub" / "image.png.json").exists()
    assert not (out / ".hidden.txt.json").exists()
    data = json.loads((out / "sub" / "deep" / "b.txt.json").read_text(encoding="utf-8"))
    assert data["source"]["encoding"] == "gb18030"
    records = manifest(out)
    assert set(records) == {"a.txt", "sub/deep/b.txt"}
    assert all(r["status"] == "ok" and r["n_tasks"] == 3 and len(r["sha256"]) == 64 for r in records.values())
    csv_text = (out / "tasks.csv").read_bytes().decode("utf-8")
    assert csv_text.startswith("\ufefffile,document,number")
    assert len(csv_text.strip().splitlines()) == 1 + 6


def test_glob_and_pool(tmp_path: Path) -> None:
    for i in range(6):
        write(tmp_path / "in" / f"n{i}.txt")
    out = tmp_path / "out"
    code, _ = run(str(tmp_path / "in" / "n*.txt"), "-o", str(out), "-w", "2")
    assert code == 0
    assert sorted(p.name for p in out.glob("*.json")) == [f"n{i}.txt.json" for i in range(6)]
    assert len((out / "tasks.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 18


def test_zip_with_gbk_member_names(tmp_path: Path) -> None:
    gbk_name = "通知/营商环境.txt".encode("gbk")
    placeholder = b"x" * (len(gbk_name) - 4) + b".txt"
    archive = make_zip(tmp_path / "a.zip", {placeholder.decode(): NOTICE.encode(), "utf8名.txt": NOTICE.encode()})
    raw = archive.read_bytes()
    assert raw.count(placeholder) == 2  # local header and central directory; no UTF-8 flag for ASCII names
    archive.write_bytes(raw.replace(placeholder, gbk_name))
    out = tmp_path / "out"
    code, _ = run(str(archive), "-o", str(out), "-w", "1")
    assert code == 0
    assert (out / "a.zip" / "通知" / "营商环境.txt.json").is_file()
    assert (out / "a.zip" / "utf8名.txt.json").is_file()


def test_tar_gz_with_gbk_names(tmp_path: Path) -> None:
    archive = tmp_path / "notices.tar.gz"
    with tarfile.open(archive, "w:gz", encoding="gbk") as tar:
        for name in ("一/通知.txt", "二.txt"):
            info = tarfile.TarInfo(name)
            data = NOTICE.encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out"
    code, _ = run(str(archive), "-o", str(out), "-w", "1")
    assert code == 0
    assert (out / "notices.tar.gz" / "一" / "通知.txt.json").is_file()
    assert (out / "notices.tar.gz" / "二.txt.json").is_file()


def test_nested_zip_one_level(tmp_path: Path) -> None:
    inner = zip_bytes({"inner.txt": NOTICE.encode()})
    innermost = zip_bytes({"deep.zip": zip_bytes({"x.txt": NOTICE.encode()})})
    archive = make_zip(tmp_path / "outer.zip", {"a.txt": NOTICE.encode(), "inner.zip": inner,
                                                "two.zip": innermost})
    out = tmp_path / "out"
    code, _ = run(str(archive), "-o", str(out), "-w", "1")
    assert (out / "outer.zip" / "inner.zip" / "inner.txt.json").is_file()
    assert (out / "outer.zip" / "a.txt.json").is_file()
    records = manifest(out)
    assert records["outer.zip/two.zip/deep.zip"]["reason"] == "nested too deep"
    assert code == 1


# ---------------------------------------------------------------- safety


def test_unsafe_member_names_rejected(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "in" / "evil.zip", {"../evil.txt": NOTICE.encode(), "/abs.txt": NOTICE.encode(),
                                                      "ok.txt": NOTICE.encode()})
    tar_path = tmp_path / "in" / "evil.tar"
    with tarfile.open(tar_path, "w") as tar:
        info = tarfile.TarInfo("../../tar-evil.txt")
        info.size = len(NOTICE.encode())
        tar.addfile(info, io.BytesIO(NOTICE.encode()))
    out = tmp_path / "work" / "out"
    code, _ = run(str(archive), str(tar_path), "-o", str(out), "-w", "1")
    assert code == 1
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")}
    assert written == {"work/out/evil.zip/ok.txt.json"}
    failed = [r for r in manifest(out).values() if r["status"] == "failed"]
    assert len(failed) == 3
    assert {r["reason"] for r in failed} == {"unsafe member name"}


def test_zip_bomb_limits(tmp_path: Path) -> None:
    bomb = b"\x00" * (4 * 1024 * 1024)  # 4 MB of zeros: ratio ~1000:1
    archive = make_zip(tmp_path / "a.zip", {"bomb.txt": bomb, "ok.txt": NOTICE.encode()})
    out = tmp_path / "out"
    code, _ = run(str(archive), "-o", str(out), "-w", "1")
    assert code == 1
    records = manifest(out)
    assert records["a.zip/bomb.txt"]["reason"] == "size limit"
    assert "ratio" in records["a.zip/bomb.txt"]["error"]
    assert records["a.zip/ok.txt"]["status"] == "ok"
    code, _ = run(str(archive), "-o", str(tmp_path / "out2"), "-w", "1", "--max-member-mb", "0.0002")
    assert code == 1
    assert manifest(tmp_path / "out2")["a.zip/ok.txt"]["reason"] == "size limit"
    small = make_zip(tmp_path / "b.zip", {f"n{i}.txt": NOTICE.encode() for i in range(4)})
    code, _ = run(str(small), "-o", str(tmp_path / "out3"), "-w", "1", "--max-total-mb", "0.002")
    statuses = [r["status"] for _, r in sorted(manifest(tmp_path / "out3").items())]
    assert statuses[0] == "ok" and "failed" in statuses and code == 1


def test_symlink_out_of_tree_not_followed(tmp_path: Path) -> None:
    secret = write(tmp_path / "outside" / "secret.txt")
    write(tmp_path / "in" / "a.txt")
    (tmp_path / "in" / "link.txt").symlink_to(secret)
    (tmp_path / "in" / "linkdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (tmp_path / "in" / "inside.txt").symlink_to(tmp_path / "in" / "a.txt")
    out = tmp_path / "out"
    code, _ = run(str(tmp_path / "in"), "-o", str(out), "-w", "1")
    assert code == 1
    records = manifest(out)
    assert records["link.txt"]["reason"] == "symlink outside tree"
    assert records["linkdir"]["reason"] == "symlink outside tree"
    assert records["inside.txt"]["status"] == "ok"
    assert not (out / "link.txt.json").exists()
    assert not (out / "linkdir").exists()


def test_outdir_inside_input_refused_unless_excluded(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt")
    code, output = run(str(tmp_path / "in"), "-o", str(tmp_path / "in" / "out"))
    assert code == 2
    assert "inside input folder" in output
    assert not (tmp_path / "in" / "out").exists()
    code, _ = run(str(tmp_path / "in"), "-o", str(tmp_path / "in" / "out"), "--exclude", "out", "-w", "1")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "in" / "out").glob("*.json")) == ["a.txt.json"]


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    victim = write(out / "a.txt.json", "input")
    code, _ = run(str(victim), "-o", str(out))
    assert code == 2
    assert victim.read_text() == "input"
    code, _ = run(str(out), "-o", str(out))
    assert code == 2


# ---------------------------------------------------------------- failures


def test_bad_input_recorded_and_exit_1(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt")
    write(tmp_path / "in" / "empty.txt", "")
    (tmp_path / "in" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    out = tmp_path / "out"
    code, output = run(str(tmp_path / "in"), "-o", str(out), "-w", "1")
    assert code == 1
    records = manifest(out)
    assert records["a.txt"]["status"] == "ok"
    assert records["empty.txt"]["status"] == "failed" and records["empty.txt"]["reason"] == "file is empty"
    assert "not supported" in records["old.doc"]["error"]
    assert "failures by reason" in output


def test_fail_fast(tmp_path: Path, calls: list[str]) -> None:
    write(tmp_path / "in" / "a-empty.txt", "")
    for i in range(3):
        write(tmp_path / "in" / f"b{i}.txt")
    out = tmp_path / "out"
    code, _ = run(str(tmp_path / "in"), "-o", str(out), "-w", "1", "--fail-fast")
    assert code == 1
    assert calls == []  # the first input failed (empty) before any pipeline run
    assert list(manifest(out)) == ["a-empty.txt"]


# ---------------------------------------------------------------- resume


def test_resume_skips_done_and_force_redoes(tmp_path: Path, calls: list[str]) -> None:
    for i in range(3):
        write(tmp_path / "in" / f"n{i}.txt")
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "-o", str(out), "-w", "1"]
    assert run(*args)[0] == 0
    assert len(calls) == 3
    code, output = run(*args)
    assert code == 0 and len(calls) == 3
    assert "skipped" in output
    write(tmp_path / "in" / "n1.txt", NOTICE + "\n4. 新增任务。（牵头单位：市发改委）\n")
    assert run(*args)[0] == 0
    assert calls[3:] == [str(tmp_path / "in" / "n1.txt")]
    assert manifest(out)["n1.txt"]["n_tasks"] == 4
    assert len((out / "tasks.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 10
    assert run(*args, "--force")[0] == 0
    assert len(calls) == 4 + 3


def test_interrupted_run_resumes(tmp_path: Path, calls: list[str]) -> None:
    for i in range(4):
        write(tmp_path / "in" / f"n{i}.txt")
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "-o", str(out), "-w", "1"]
    assert run(*args)[0] == 0
    # What a kill leaves: the last manifest line cut in half, a temp file mid-write, no tasks.csv.
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "manifest.jsonl").write_text("".join(lines[:-1]) + lines[-1][:40], encoding="utf-8")
    leftover = out / ".n3.txt.json.k2j4h5.tmp"
    leftover.write_text('{"schema_version": "1.0", "sour', encoding="utf-8")
    (out / "tasks.csv").unlink()
    calls.clear()
    assert run(*args)[0] == 0
    assert calls == [str(tmp_path / "in" / "n3.txt")]
    assert not leftover.exists()
    assert not list(out.rglob("*.tmp"))
    records = manifest(out)  # every line parses again, one per input
    assert sorted(records) == [f"n{i}.txt" for i in range(4)]
    assert len((out / "tasks.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 12
    for path in out.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_spooled_rows_equal_rows_read_back(tmp_path: Path, fmt: str) -> None:
    """tasks.csv from rows rendered while converting == tasks.csv rebuilt from the outputs on resume."""
    for i in range(5):
        write(tmp_path / "in" / f"n{i}.txt", NOTICE.replace("某市", f"某{i}市"))
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "-o", str(out), "-w", "1", "--format", fmt]
    assert run(*args)[0] == 0
    fresh = (out / "tasks.csv").read_bytes()
    assert run(*args)[0] == 0  # everything skipped: every row is read back from the outputs
    assert (out / "tasks.csv").read_bytes() == fresh
    assert fresh.decode("utf-8-sig").count("\r\n") == 1 + 5 * 3
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # the spool leaves nothing behind


def test_batch_json_is_extract_json(tmp_path: Path) -> None:
    """Workers write the serializer's bytes directly: the same JSON `extract` prints."""
    from policyparse.output import to_json

    notice = write(tmp_path / "in" / "a.txt")
    out = tmp_path / "out"
    assert run(str(tmp_path / "in"), "-o", str(out), "-w", "1")[0] == 0
    expected = to_json(pipeline.extract_file(notice, display_path=str(notice))) + "\n"
    assert (out / "a.txt.json").read_bytes() == expected.encode("utf-8")


def test_missing_output_is_redone(tmp_path: Path, calls: list[str]) -> None:
    write(tmp_path / "in" / "a.txt")
    out = tmp_path / "out"
    run(str(tmp_path / "in"), "-o", str(out), "-w", "1")
    (out / "a.txt.json").unlink()
    run(str(tmp_path / "in"), "-o", str(out), "-w", "1")
    assert len(calls) == 2 and (out / "a.txt.json").is_file()


# ---------------------------------------------------------------- JSONL


def test_jsonl_format_and_resume(tmp_path: Path, calls: list[str]) -> None:
    for i in range(3):
        write(tmp_path / "in" / f"n{i}.txt")
    archive = make_zip(tmp_path / "in" / "z.zip", {"m.txt": NOTICE.encode()})
    out = tmp_path / "out"
    args = [str(tmp_path / "in"), "-o", str(out), "-w", "1", "--format", "jsonl"]
    assert run(*args)[0] == 0
    lines = (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert {json.loads(line)["source"]["path"] for line in lines} >= {f"{archive}/m.txt"}
    assert not list(out.glob("*.txt.json"))
    assert not (out / "notices.jsonl.partial").exists()
    # A kill mid-run: the final file is gone, the partial one has a truncated line.
    (out / "notices.jsonl.partial").write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:50], encoding="utf-8")
    (out / "notices.jsonl").unlink()
    calls.clear()
    assert run(*args)[0] == 0
    assert len(calls) == 2
    again = (out / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(again) == sorted(lines)
    assert len((out / "tasks.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 12


def test_one_file_argument_and_outputs_inside(tmp_path: Path) -> None:
    notice = write(tmp_path / "a.txt")
    out = tmp_path / "out"
    code, _ = run(str(notice), "-o", str(out), "-w", "1")
    assert code == 0
    assert (out / "a.txt.json").is_file()
    assert notice.read_text(encoding="utf-8") == NOTICE
