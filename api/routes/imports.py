"""Bulk imports over HTTP: `POST /v1/imports/{kind}` with a CSV or JSON Lines body, for admins.

The body is streamed to a temporary file named `<kind>.csv` or `<kind>.jsonl`
and loaded by the same loader as `crmgraph load`, so the answer is the same
report as `crmgraph load --json`. `POST /v1/imports/gleif-rr` takes a GLEIF
Level 2 relationship file (`text/csv`), as `crmgraph load --format gleif-rr`.
"""

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from api import problems
from api.deps import AdminUser, StoreDep
from graph import loading
from graph.errors import NotFound

router = APIRouter(tags=["imports"])

SUFFIXES = {"text/csv": ".csv", "application/x-ndjson": ".jsonl"}
GLEIF_SUFFIXES = {"text/csv": ".csv"}
GLEIF_NAME = "gleif-rr"  # the file the report names
TOO_LARGE = "The body is larger than `CRMGRAPH_MAX_IMPORT_BYTES` (default 100 MiB)."


class RejectionPublic(BaseModel):
    """Why a row (or, as a file's `error`, the whole file) was not loaded."""

    file: str
    line: int | None = Field(description="The 1-based line where the row starts; null for the whole file.")
    field: str | None = Field(description="The column at fault; null when the row as a whole is.")
    reason: str


class FileReportPublic(BaseModel):
    """What loading one file did, or with `dry_run` would do."""

    file: str
    kind: str
    outcome: Literal["loaded", "refused", "failed"] = Field(
        description="`failed`: the file could not be read (see `error`); `refused`: `strict` wrote none of it."
    )
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    not_written: int = Field(description="Valid rows of a file that `strict` refused.")
    error: RejectionPublic | None
    rejections: list[RejectionPublic]


class TotalsPublic(BaseModel):
    """The files' counts added up."""

    files: int
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    not_written: int


class ImportReportPublic(BaseModel):
    """The report of an import: the same document as `crmgraph load --json`."""

    dry_run: bool
    strict: bool
    ok: bool = Field(description="Every row was loaded (or would be).")
    seconds: float
    rows_per_second: int
    totals: TotalsPublic
    files: list[FileReportPublic]


@router.post(
    "/imports/gleif-rr",
    response_model=ImportReportPublic,
    responses=problems.described(
        {
            403: "The caller's role is not `admin`.",
            413: TOO_LARGE,
            415: "The body is not `text/csv`.",
        }
    ),
)
async def import_gleif(
    request: Request,
    store: StoreDep,
    caller: AdminUser,
    dry_run: Annotated[bool, Query(description="Validate and compare only; write nothing.")] = False,
    strict: Annotated[bool, Query(description="All or nothing per kind the file becomes.")] = False,
) -> ImportReportPublic:
    """Load a GLEIF Level 2 relationship file (RR-CDF Golden Copy CSV) from the `text/csv` body.

    The report has one file entry per kind the file becomes (organisations, relationship_types,
    parents, relationships), each rejected row with its GLEIF line, field and reason. Admins only.
    """
    with tempfile.TemporaryDirectory(prefix="crmgraph-import-") as work:
        path = await receive_load_file(request, Path(work), GLEIF_NAME, suffixes=GLEIF_SUFFIXES)
        report = await loading.load_gleif(store, [path], dry_run=dry_run, strict=strict)
        return ImportReportPublic.model_validate(report.to_dict(base=Path(work)))


@router.post(
    "/imports/{kind}",
    response_model=ImportReportPublic,
    responses=problems.described(
        {
            403: "The caller's role is not `admin`.",
            404: "No load file kind has this name.",
            413: TOO_LARGE,
            415: "The body is neither `text/csv` nor `application/x-ndjson`.",
        }
    ),
)
async def import_rows(
    kind: str,
    request: Request,
    store: StoreDep,
    caller: AdminUser,
    dry_run: Annotated[bool, Query(description="Validate and compare only; write nothing.")] = False,
    strict: Annotated[bool, Query(description="All or nothing: with a rejected row, write no row.")] = False,
) -> ImportReportPublic:
    """Load one file of `kind` from the body: `text/csv` or `application/x-ndjson`, UTF-8.

    The answer is 200 with the load report also when rows were rejected: each
    rejected row is listed with its line, field and reason. Admins only.
    """
    if kind not in loading.KINDS_BY_NAME:
        raise NotFound(f"unknown kind {kind!r}: expected one of {', '.join(loading.KINDS_BY_NAME)}")
    with tempfile.TemporaryDirectory(prefix="crmgraph-import-") as work:
        path = await receive_load_file(request, Path(work), kind)
        report = await loading.load_paths(store, [path], dry_run=dry_run, strict=strict)
        return ImportReportPublic.model_validate(report.to_dict(base=Path(work)))


async def receive_load_file(
    request: Request, directory: Path, kind: str, *, suffixes: dict[str, str] = SUFFIXES
) -> Path:
    """Write the request's body as the load file `<kind>.csv` or `<kind>.jsonl` in `directory`, by its content type.

    `suffixes` are the content types taken, with the suffix of each.

    Raises:
        HTTPException: 415 for another content type, 413 for a body over the setting `max_import_bytes`.
    """
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    suffix = suffixes.get(media_type)
    if suffix is None:
        raise HTTPException(415, f"send the rows as {' or '.join(suffixes)}, not {media_type or 'no content type'}")
    limit = request.app.state.settings.max_import_bytes
    declared = request.headers.get("content-length", "")
    too_large = declared.isdigit() and int(declared) > limit
    path = directory / f"{kind}{suffix}"
    received = 0
    with open(path, "wb") as file:
        # A body over the limit is read to its end and dropped, not cut: a client still sending when the
        # server answers and closes gets a connection reset instead of the 413 (a 101 MB import did, issue 17).
        async for chunk in request.stream():
            received += len(chunk)
            too_large = too_large or received > limit
            if not too_large:
                file.write(chunk)
    if too_large:
        raise _too_large(limit)
    return path


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413, f"the body is larger than {limit:,} bytes (CRMGRAPH_MAX_IMPORT_BYTES): load big files with `crmgraph load`"
    )
