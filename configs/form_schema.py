"""Pydantic models of the form templates in ``configs/forms/*.yaml``.

A template says how to recognise one official form (its title variants) and where each field's value
sits on the page. Adding a form type is adding a YAML file that validates against :class:`FormTemplate`;
no code changes. YAML keys use hyphens (``form-type``), mapped to the underscores below by
:func:`configs.load_model`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

FieldType = Literal["name", "date", "date-words", "cccd", "address", "phone", "email", "text",
                    "province", "ethnicity", "nationality", "year", "number", "amount"]
Where = Literal["after-label", "next-line", "table-column", "boxed-digits", "dateline"]
Kind = Literal["component", "result", "other"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TableColumn(_Frozen):
    """One column of a table, found by its printed header."""

    id: str = Field(description="Column id that fields refer to.")
    labels: tuple[str, ...] = Field(min_length=1, description="Header text variants (a prefix is enough).")


class TableSpec(_Frozen):
    """A table whose header row names its columns (CT01 members, the bên nữ/bên nam columns of kết hôn)."""

    id: str = Field(description="Table id that fields refer to.")
    anchor: tuple[str, ...] = Field(default=(), description="Text printed above the table (optional).")
    columns: tuple[TableColumn, ...] = Field(min_length=1, description="Columns, left to right.")
    max_rows: int = Field(default=12, ge=1, description="Lines below the header that belong to the table.")


class FieldSpec(_Frozen):
    """Where one field's value is printed and how it is checked."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Output key (shared/spec/forms.md).")
    labels: tuple[str, ...] = Field(default=(), description="Printed label variants and abbreviations.")
    type: FieldType = Field(default="text", description="Validator applied to the value.")
    where: Where = Field(default="after-label", description="Where the value sits relative to its label.")
    prefixes: tuple[str, ...] = Field(default=(), description="Printed text to strip from the value start.")
    required: bool = Field(default=False, description="A missing value is routed to review.")
    occurrence: int = Field(default=1, ge=1, description="Use the n-th occurrence of the label (1-based).")
    section: str | None = Field(default=None, description="Only look after this printed text.")
    fallback_occurrence: int | None = Field(
        default=None, ge=1, description="If the section text is not found: the n-th occurrence overall.")
    table: str | None = Field(default=None, description="Table id, for where = table-column.")
    column: str | None = Field(default=None, description="Column id, for where = table-column.")
    row: int | None = Field(default=None, ge=1, description="Numbered data row; else the row has `labels`.")
    multiline: bool | None = Field(
        default=None, description="The value may run on to the next line (default: true for addresses).")
    choices: tuple[str, ...] = Field(default=(), description="Allowed values (diacritics ignored).")
    birth_date_field: str | None = Field(default=None, description="CCCD: key of the holder's birth date.")
    sex_field: str | None = Field(default=None, description="CCCD: key of the holder's sex (Nam/Nữ).")
    sex: str | None = Field(default=None, description="CCCD: the holder's sex when the form implies it.")
    date_field: str | None = Field(
        default=None, description="date-words: key of the same date written in figures, which must agree.")
    admin_units: bool | None = Field(
        default=None, description="Check unit names (Phường …, Quận …) against the official lists "
                                  "(default: true for addresses).")
    complete_address: bool = Field(
        default=False, description="A value that names a place (a house number, street or unit) must end "
                                   "with its province; one that stops before is flagged address_incomplete.")
    known: tuple[str, ...] = Field(
        default=(), description="Values often written here (not a closed list): a value with the letters of "
                                "one of them gets its spelling; others are kept as read.")
    leads: tuple[str, ...] = Field(
        default=(), description="Words a value here often starts with, never a whole value (a business "
                                "line's ``Bán lẻ``): a lead with a letter misread gets its spelling; a value "
                                "that is a lead alone was cut short (``truncated``).")
    display: str | None = Field(
        default=None, description="The field's label for people (reports, XLSX headers, the review "
                                  "station); default: its first printed label, qualified by its section.")

    @model_validator(mode="after")
    def _check_where(self) -> FieldSpec:
        if self.where == "table-column":
            if not (self.table and self.column):
                raise ValueError("a table-column field needs `table` and `column`")
            if self.row is None and not self.labels:
                raise ValueError("a table-column field needs `row` or row `labels`")
        elif not self.labels and self.where != "dateline":
            raise ValueError(f"a {self.where} field needs at least one label")
        return self


class DossierDates(_Frozen):
    """Which extracted dates date the dossier's matter: EAD ``startDate`` / ``endDate``, and the year
    the retention term counts from (the end date's). The first listed field with a validated value
    wins; with none, the archive uses the scan date and says so (a fallback, not the matter's date)."""

    start: tuple[str, ...] = Field(default=(), description="Date fields for startDate, by preference.")
    end: tuple[str, ...] = Field(default=(), description="Date fields for endDate (the matter ended), by preference.")


class FormTemplate(_Frozen):
    """One official form type: how to classify it and where its fields are."""

    form_type: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Output form_type value.")
    title_vi: str | None = Field(default=None, min_length=1,
                                 description="The document's Vietnamese name, shown to people (e.g. "
                                             "\"Tờ khai đăng ký khai sinh\"); default: the first title, "
                                             "in sentence case.")
    type_code: str = Field(default="32", pattern=r"^(0[1-9]|[12][0-9]|3[0-2])$",
                           description="TT 05/2025 typeName code (01–32; default 32 = Khác).")
    kind: Kind = Field(default="component", description="component: a paper the citizen files; "
                                                         "result: a paper the agency issues that ends the "
                                                         "matter; other: another administrative document "
                                                         "(công văn, báo cáo, tờ trình …).")
    document_type: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]*$",
        description="The document's kind in `documents[].type` (default: the form type).")
    titles: tuple[str, ...] = Field(default=(), description="Title line variants under the national header "
                                                           "(none: a document printed without a title, typed "
                                                           "by its subject marks).")
    notations: tuple[str, ...] = Field(
        default=(), description="Ký hiệu prefixes of a result (``QĐ`` for ``Số: 12/QĐ-UBND``): they type the "
                                "document when its title line could not be read.")
    subject_marks: tuple[str, ...] = Field(
        default=(), description="How the trích yếu of a document printed without a title begins, in the "
                                "agency's column under the Số line (a công văn: ``V/v``); it types the "
                                "document when no title does.")
    stop_labels: tuple[str, ...] = Field(
        default=(), description="Printed text that ends a value but is not a field (footers, headings).")
    tables: tuple[TableSpec, ...] = Field(default=(), description="Tables read by column header.")
    fields: tuple[FieldSpec, ...] = Field(default=(), description="Fields in printed order.")
    dossier_dates: DossierDates = Field(default=DossierDates(),
                                        description="Fields that date the matter; none: the scan date.")

    @model_validator(mode="after")
    def _components_have_fields(self) -> FormTemplate:
        if self.kind == "component" and not self.fields:
            raise ValueError("a component form needs at least one field")
        if not self.titles and not (self.subject_marks and self.title_vi):
            raise ValueError("a template needs titles, or subject-marks and title-vi for a document printed "
                             "without a title")
        return self

    @property
    def title(self) -> str:
        """The document's Vietnamese name (``title-vi``, else the first title in sentence case)."""
        return self.title_vi or self.titles[0][:1] + self.titles[0][1:].lower()

    @property
    def doc_type(self) -> str:
        """``documents[].type`` of a document of this template."""
        return self.document_type or self.form_type

    @field_validator("fields")
    @classmethod
    def _unique_keys(cls, fields: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
        keys = [f.key for f in fields]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"duplicate field keys: {', '.join(dupes)}")
        return fields

    @model_validator(mode="after")
    def _check_references(self) -> FormTemplate:
        keys = {f.key for f in self.fields}
        for spec in self.fields:
            for ref in (spec.birth_date_field, spec.sex_field, spec.date_field):
                if ref is not None and ref not in keys:
                    raise ValueError(f"field {spec.key}: unknown field {ref!r}")
        return self

    @field_validator("dossier_dates")
    @classmethod
    def _dates_are_date_fields(cls, dates: DossierDates, info: ValidationInfo) -> DossierDates:
        types = {f.key: f.type for f in info.data.get("fields", ())}
        for key in (*dates.start, *dates.end):
            if types.get(key) != "date":
                raise ValueError(f"{key!r} is not a date field of this form")
        return dates

    @model_validator(mode="after")
    def _check_tables(self) -> FormTemplate:
        columns = {t.id: {c.id for c in t.columns} for t in self.tables}
        for spec in self.fields:
            if spec.where != "table-column":
                continue
            if spec.table not in columns:
                raise ValueError(f"field {spec.key}: unknown table {spec.table!r}")
            if spec.column not in columns[spec.table]:
                raise ValueError(f"field {spec.key}: unknown column {spec.column!r}")
        return self


class FieldSettings(BaseModel):
    """Field extraction (the ``fields`` section of the site configuration)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    review_threshold: float = Field(0.75, ge=0, le=1,
                                    description="Fields below this confidence need a human look (chosen from "
                                                "bench/fields.py's threshold curve).")
    forms_dir: Path | None = Field(None, description="Folder of form templates; default configs/forms.")
