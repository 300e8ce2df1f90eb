"""The API's documentation pages, Swagger UI at `/docs` and ReDoc at `/redoc`, with every file they load served here.

FastAPI's own pages load their scripts, styles, favicon and fonts from CDNs and stay blank without internet access;
these are the same pages pointed at the copies that the `fastapi-offline` package ships (pinned in pyproject.toml).
"""

import functools
import importlib.resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# Not under `/`, which is the explorer's, and not under `/docs`, whose pages are routes of their own.
ASSETS_URL = "/docs-assets"
# fastapi-offline's folder of Swagger UI's and ReDoc's release files; only its files are used, not its app factory.
ASSETS_PACKAGE = ("fastapi_offline", "static")
REDOC_JS = "redoc.standalone.js"
# ReDoc's sidebar footer shows Redocly's logo from their CDN, whatever its options say. An empty data URL fails to
# load without a request, and ReDoc then leaves the image out (its own onError handler).
REDOC_LOGO_URL = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
NO_IMAGE_URL = b"data:,"


def install(app: FastAPI) -> None:
    """Serve the documentation pages and their assets on `app`, which must be made with `docs_url=redoc_url=None`."""
    assert app.docs_url is None and app.redoc_url is None, "FastAPI's own pages would load their files from CDNs"

    # Before the mount below, which would otherwise answer for this file.
    @app.get(f"{ASSETS_URL}/{REDOC_JS}", include_in_schema=False)
    async def redoc_js() -> Response:
        return Response(_offline_redoc_js(), media_type="text/javascript")

    app.mount(ASSETS_URL, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root_path(request)
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root_path(request)
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/{REDOC_JS}",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            # ReDoc falls back to the system's sans-serif and monospace fonts.
            with_google_fonts=False,
        )


def _root_path(request: Request) -> str:
    """Return the prefix a proxy serves the app under (uvicorn's `--root-path`), as FastAPI's own pages use it."""
    return request.scope.get("root_path", "").rstrip("/")


@functools.cache
def _offline_redoc_js() -> bytes:
    """Return ReDoc's bundle with its one link to another host, the footer logo, replaced by an empty image."""
    package, folder = ASSETS_PACKAGE
    bundle = importlib.resources.files(package).joinpath(folder, REDOC_JS).read_bytes()
    assert REDOC_LOGO_URL in bundle, "the pinned ReDoc release links its logo elsewhere: check for other hosts"
    return bundle.replace(REDOC_LOGO_URL, NO_IMAGE_URL)
