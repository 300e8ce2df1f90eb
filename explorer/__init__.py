"""The group explorer: a web page for analysts, served by crmgraph itself at `/` (see explorer/README.md)."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

PAGE = Path(__file__).parent / "index.html"
STATIC_DIR = Path(__file__).parent / "static"
ASSETS_PATH = "/explorer"


def install(app: FastAPI) -> None:
    """Serve the explorer's page at `/` and its scripts and styles under `/explorer/`.

    Not one StaticFiles mount at `/`: a mount there would answer every path no route took, so an unknown `/v1` path
    or a method a route does not answer would get the static files' plain 404 or a 405 without `Allow`.
    """

    @app.get("/", include_in_schema=False)
    async def explorer_page() -> FileResponse:
        # Revalidated on every load: a new version of the page is never mixed with cached modules of an old one.
        return FileResponse(PAGE, headers={"Cache-Control": "no-cache"})

    app.mount(ASSETS_PATH, StaticFiles(directory=STATIC_DIR), name="explorer")
