"""Red-team round 7 (wild-a): 政府工作报告 任务分工 / 责任分解 notices of cities and counties, end to end."""

from __future__ import annotations

from policyparse.models import Document
from policyparse.pipeline import extract_string


def _docs(text: str) -> list[Document]:
    return extract_string(text).documents


_BODY = ("各县（区）人民政府，市直各单位：\n现将有关事项通知如下：\n"
         "一、落实工作责任。各牵头单位要细化分解任务。\n二、加强督查督办。市政府督查室要跟踪督办。\n")


def test_a_headline_line_ending_in_a_kind_runs_on_into_its_notice_line() -> None:
    """盐城市人民政府办公室 ⏎ 关于分解落实2019年市政府工作报告 ⏎ 主要目标任务的通知: one headline, kind 通知
    (the middle line ends in 报告, yet the headline's 的通知 is on the next line)."""
    docs = _docs("盐城市人民政府办公室\n关于分解落实2019年市政府工作报告\n主要目标任务的通知\n" + _BODY)
    assert len(docs) == 1
    assert docs[0].meta.title == "盐城市人民政府办公室关于分解落实2019年市政府工作报告主要目标任务的通知"
    assert docs[0].meta.kind == "通知"


def test_a_closing_short_formula_is_no_new_notice() -> None:
    """此通知 on a line of its own closes the notice as 特此通知 does; it is no second notice's title."""
    docs = _docs("某旗人民政府办公室关于印发2022年重点任务责任落实分工的通知\n" + _BODY
                 + "此通知\n2022年2月21日\n")
    assert len(docs) == 1
    assert docs[0].meta.date == "2022-02-21"


def test_a_portal_generation_date_is_the_date_and_bulleted_chrome_is_dropped() -> None:
    """- 首页 > … (a portal's chrome printed as list items) is no title; 公文生成日期 / 生成日期 give the date."""
    for label in ("公文生成日期", "生成日期"):
        doc = _docs("- 首页 > 政务公开 > 政府信息公开 > 市政府文件\n- 发布机构:某市人民政府办公室\n"
                    f"- {label}:2025-01-24\n某市人民政府办公室关于2025年市《政府工作报告》目标任务责任分解的通知\n"
                    + _BODY)[0]
        assert doc.meta.date == "2025-01-24"
        assert doc.meta.title == "某市人民政府办公室关于2025年市《政府工作报告》目标任务责任分解的通知"


def test_a_portal_file_number_label_gives_the_document_number() -> None:
    """文件编号： X〔2023〕7号 (a Zhejiang portal's row) is the 发文字号."""
    doc = _docs("文件编号:  长政办发〔2023〕7号 发布机构:  长兴县政府办公室\n"
                "长兴县人民政府办公室关于印发2023年政府工作报告重点工作责任分解的通知\n" + _BODY)[0]
    assert doc.meta.doc_number == "长政办发〔2023〕7号"
