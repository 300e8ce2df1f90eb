"""Territory rules: `POST /v1/territories/preview`, what changed rules would move, before anything changes."""

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api import problems
from api.deps import SeesEverything, StoreDep
from api.routes.imports import TOO_LARGE, RejectionPublic, receive_load_file
from graph import documents, loading

router = APIRouter(tags=["territories"])


class MovePublic(BaseModel):
    """An organisation whose rule-derived territories would change; manual assignments are not listed."""

    organisation: str
    from_: list[str] = Field(alias="from", description="Its rule-derived territories now.")
    to: list[str] = Field(description="Its rule-derived territories under the rules of the file.")


class ConflictPublic(BaseModel):
    """An organisation that the rules of the file assign to more than one territory (to all of them)."""

    organisation: str
    territories: list[str]


class PreviewPublic(BaseModel):
    """What loading a territories file would do: its rows, and the moves and conflicts its rules would cause."""

    file: str
    rows: int
    created: int = Field(description="Territories the file would create.")
    updated: int = Field(description="Territories whose name, parent or rules the file would change.")
    unchanged: int
    rejected: int = Field(description="Rows that would be rejected: they propose nothing.")
    rejections: list[RejectionPublic]
    added: int = Field(description="Rule-derived assignments that would be created.")
    removed: int = Field(description="Rule-derived assignments that would be deleted.")
    moves: list[MovePublic]
    conflicts: list[ConflictPublic]


@router.post(
    "/territories/preview",
    response_model=PreviewPublic,
    responses=problems.described(
        {
            403: "The caller is neither an analyst nor an admin.",
            413: TOO_LARGE,
            415: "The body is neither `text/csv` nor `application/x-ndjson`.",
        }
    ),
)
async def preview_territories(request: Request, store: StoreDep, caller: SeesEverything) -> PreviewPublic:
    """Preview a territories file (as `POST /v1/imports/territories` takes it): which organisations would move.

    Nothing changes. Each organisation whose rule-derived territories would change is listed with its territories
    before and after; every organisation the rules would give more than one territory is a conflict.
    Analysts and admins.
    """
    with tempfile.TemporaryDirectory(prefix="crmgraph-preview-") as work:
        path = await receive_load_file(request, Path(work), "territories")
        report = await loading.preview_territories(store, path=path)
        return PreviewPublic.model_validate(documents.preview(report, base=Path(work)))
