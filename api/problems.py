"""Errors as `application/problem+json` (RFC 9457), rendered in one place."""

import logging
from collections.abc import Mapping
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import CrmGraphError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(BaseModel):
    """An error as RFC 9457 problem details; some answers add members of their own (`errors`, `reasons`)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Always `about:blank`: `title` is the status's meaning.")
    title: str
    status: int
    detail: str = Field(description="What went wrong, for a person to read.")


class FieldErrorPublic(BaseModel):
    """One input that was refused: where (`query.from`, `body.valid_from`, …) and why."""

    field: str
    reason: str


class ValidationProblem(Problem):
    """Input that does not fit the operation: every field refused, with its reason."""

    errors: list[FieldErrorPublic] | None = Field(
        None, description="Each refused field; absent when a rule of the model refused the input as a whole."
    )


class ConflictProblem(Problem):
    """A change that would contradict what is stored; nothing was changed."""

    reasons: list[str] | None = Field(None, description="Each rule the change would break (merges).")


# What each status means when a route does not say more; the model its problem+json body follows.
DESCRIPTIONS: dict[int, str] = {
    401: "No valid API key came with the request.",
    403: "The caller may not do this (their role, or an `X-Act-As` they may not send).",
    404: "A key names nothing the caller may see.",
    409: "The change would contradict what is stored; nothing was changed.",
    413: "The body is larger than the import limit.",
    415: "The body's content type is not one the operation reads.",
    422: "A parameter or the body is not valid input.",
    503: "The graph engine is unavailable.",
}
MODELS: dict[int, type[Problem]] = {409: ConflictProblem, 422: ValidationProblem}


def described(descriptions: Mapping[int, str]) -> dict[int, dict]:
    """Return OpenAPI `responses` declaring a problem+json body for each status, with its description."""
    return {
        status: {"description": description, "content": {PROBLEM_JSON: {"schema": _schema_ref(status)}}}
        for status, description in descriptions.items()
    }


def _schema_ref(status: int) -> dict:
    return {"$ref": f"#/components/schemas/{MODELS.get(status, Problem).__name__}"}


def responses(*statuses: int) -> dict[int, dict]:
    """Return OpenAPI `responses` declaring the problem+json answers of `statuses`, described as in DESCRIPTIONS."""
    return described({status: DESCRIPTIONS[status] for status in statuses})


def problem(status: int, title: str, detail: str, headers: Mapping[str, str] | None = None, **extra) -> JSONResponse:
    """Return a problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
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
    # Starlette's headers carry meaning: `Allow` on a 405 lists the methods the path answers.
    return problem(exc.status_code, _title(exc.status_code), str(exc.detail), headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path)
    return problem(500, "Internal error", "an unexpected error occurred; it has been logged")


def _title(status: int) -> str:
    return HTTPStatus(status).phrase


def _with_problem_schemas(app: FastAPI):
    """Return `app.openapi` that also defines the problem models the `responses` above refer to."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schemas = generate().setdefault("components", {}).setdefault("schemas", {})
            for model in (Problem, ValidationProblem, ConflictProblem):
                found = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
                schemas.update(found.pop("$defs", {}))
                schemas[model.__name__] = found
        return app.openapi_schema

    return openapi


def install(app: FastAPI) -> None:
    """Render every error of `app` as problem+json, and define the problem models in its OpenAPI schema."""
    app.add_exception_handler(CrmGraphError, _crmgraph_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.openapi = _with_problem_schemas(app)
