"""Errors as `application/problem+json` (RFC 9457), rendered in one place."""

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import CrmGraphError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str, **extra) -> JSONResponse:
    """Return a problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _crmgraph_error(request: Request, exc: CrmGraphError) -> JSONResponse:
    if exc.status >= 500:
        # The message goes to the log only: a client must not read query text, engine paths or the socket path.
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
        return problem(exc.status, exc.title, exc.public_detail)
    return problem(exc.status, exc.title, str(exc), **exc.problem_fields())


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": ".".join(str(part) for part in error["loc"]), "reason": error["msg"]} for error in exc.errors()]
    detail = "; ".join(f"{error['field']}: {error['reason']}" for error in errors)
    return problem(422, "Invalid input", detail, errors=errors)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem(exc.status_code, _title(exc.status_code), str(exc.detail))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path)
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged")


def _title(status: int) -> str:
    return HTTPStatus(status).phrase


def install(app: FastAPI) -> None:
    """Render every error of `app` as problem+json."""
    app.add_exception_handler(CrmGraphError, _crmgraph_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
