"""The output contract (schema 1.x): pydantic models that `policyparse schema` turns into JSON Schema.

These models are the source of truth for the JSON that `policyparse extract` writes. Required
fields are always present (null / [] when absent); fields added later are optional and default to
None so that older consumers keep working.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

SourceFormat = Literal["txt", "html", "docx", "pdf", "ofd"]
Script = Literal["simplified", "traditional", "mixed"]
DeadlineKind = Literal["by_date", "ongoing", "recurring", "milestones", "none"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    path: str = Field(description="The input path as given on the command line.")
    format: SourceFormat
    sha256: str = Field(description="SHA-256 of the input bytes.")
    encoding: str | None = Field(description="Detected or declared text encoding; null for docx/pdf/ofd.")
    script: Script = Field(description="Script of the input text before conversion.")
    repairs: list[str] = Field(description="What normalisation changed, as 'name:count'.")
    grammar: str | None = Field(description="Which layout grammar(s) matched best, '+'-joined.")


class Meta(_Model):
    title: str | None
    kind: str | None = Field(description="通知 | 意见 | 实施方案 | 工作要点 | 方案 | 办法 | … from the title.")
    doc_number: str | None = Field(description="发文字号 with brackets restored to 〔〕.")
    issuer: str | None
    recipients: list[str]
    date: str | None = Field(description="成文日期, ISO YYYY-MM-DD.")
    source_site: str | None
    cited_documents: list[str]


class Section(_Model):
    id: str
    ordinal: str
    level: int
    title: str
    parent: str | None


class Milestone(_Model):
    period: str | None = Field(description='"2023-Q1", "Q1", "Q2-Q3", "2023-06" or null.')
    end: str | None
    text: str | None


class Deadline(_Model):
    text: str | None
    kind: DeadlineKind
    end: str | None
    milestones: list[Milestone]


class Task(_Model):
    id: str
    number: str | None
    section_id: str | None
    section_path: list[str]
    title: str
    text: str
    lead_units: list[str]
    responsible_units: list[str]
    deadline: Deadline
    span: list[int] = Field(min_length=2, max_length=2, description="[start, end) in the normalised text.")
    page: int | None = Field(default=None, description="1-based page of the task's start (pdf/ofd).")
    table: int | None = Field(default=None, description="1-based index of the task table the row came from.")
    row: int | None = Field(default=None, description="1-based data-row index within that table.")
    rules: dict[str, str] | None = Field(
        default=None, description="Which grammar rule produced each field, as 'file::rule-id'."
    )


class ParseWarning(_Model):
    code: str
    task_id: str | None
    message: str


class Document(_Model):
    meta: Meta
    sections: list[Section]
    tasks: list[Task]
    warnings: list[ParseWarning]


class Extraction(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    documents: list[Document]


def json_schema() -> dict[str, object]:
    """The JSON Schema of one extraction, as printed by `policyparse schema`."""
    schema = Extraction.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "policyparse extraction"
    return schema
