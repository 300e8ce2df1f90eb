"""The group explorer: a web page for analysts, served by crmgraph itself at `/` (see explorer/README.md)."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

PAGE = Path(__file__).parent / "index.html"
# The page runs only its own scripts and styles and talks only to this server: an injected script or style, a
# request elsewhere or framing by another site is refused by the browser.
HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
STATIC_DIR = Path(__file__).parent / "static"
ASSETS_PATH = "/explorer"


def install(app: FastAPI) -> None:
    """Serve the explorer's page at `/` and its scripts and styles under `/explorer/`.

    Not one StaticFiles mount at `/`: a mount there would answer every path no route took, so an unknown `/v1` path
    or a method a route does not answer would get the static files' plain 404 or a 405 without `Allow`.
    """

    @app.get("/", include_in_schema=False)
    async def explorer_page() -> FileResponse:
        # Revalidated on every load (no-cache): a new version of the page is never mixed with an old one.
        return FileResponse(PAGE, headers=HEADERS)

    app.mount(ASSETS_PATH, StaticFiles(directory=STATIC_DIR), name="explorer")
