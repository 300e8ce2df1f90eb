"""Dependencies shared by the routes: the store, its snapshots and search indexes, the settings and the calling
user."""

import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from graph import auth, visibility
from graph.errors import Forbidden
from graph.search_index import SearchIndexes
from graph.settings import Settings
from graph.snapshots import Snapshots
from graph.store import Store

# The dependencies are `async def` although they do no I/O: FastAPI runs a plain `def` dependency in a worker
# thread, and three such hops cost about 0.5 ms a request. Each dependency FastAPI resolves costs about 15 us a
# request, so the caller and the viewer take the store and the settings from the request, not as dependencies
# (docs/production.md, "Throughput").
# auto_error=False: a missing key must answer 401 problem+json from our handler, not FastAPI's 403.
bearer = HTTPBearer(auto_error=False, description="An API key from `crmgraph keys create USER_KEY`.")


async def get_store(request: Request) -> Store:
    """Return the store the application opened at start-up."""
    return request.app.state.store


StoreDep = Annotated[Store, Depends(get_store)]


async def get_snapshots(request: Request) -> Snapshots:
    """Return the snapshots of the store the application keeps current (graph/snapshot.py)."""
    return request.app.state.snapshots


SnapshotsDep = Annotated[Snapshots, Depends(get_snapshots)]


async def get_search_indexes(request: Request) -> SearchIndexes:
    """Return the search indexes of the store the application keeps current (graph/search_index.py)."""
    return request.app.state.search_indexes


SearchIndexesDep = Annotated[SearchIndexes, Depends(get_search_indexes)]


async def get_app_settings(request: Request) -> Settings:
    """Return the settings the application was created with."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    act_as: Annotated[
        str | None,
        Header(alias="X-Act-As", description="Service accounts only: the user key to answer for."),
    ] = None,
) -> auth.Caller:
    """Return the user the request answers for, from its API key (and `X-Act-As`)."""
    return await auth.authenticate(
        await get_store(request), api_key=credentials.credentials if credentials else None, act_as=act_as
    )


CurrentUser = Annotated[auth.Caller, Depends(get_caller)]


async def get_optional_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> auth.Caller | None:
    """Return the user of the request's API key, None when it sends none (an unknown key is still 401)."""
    if credentials is None:
        return None
    return await auth.authenticate(await get_store(request), api_key=credentials.credentials)


OptionalUser = Annotated[auth.Caller | None, Depends(get_optional_caller)]


async def get_today(request: Request) -> datetime.date:
    """Return the day of the request by the app's clock: the day whose rights count, and the default `as_of`."""
    return request.app.state.clock()


TodayDep = Annotated[datetime.date, Depends(get_today)]


async def get_viewer(request: Request, caller: CurrentUser, today: TodayDep) -> visibility.Viewer:
    """Return whose view the request answers with: the calling user, with the app's inheritance setting, and
    today from the app's clock, whose rights decide what the caller sees whatever `as_of` asks."""
    settings = await get_app_settings(request)
    return visibility.Viewer(key=caller.key, role=caller.role, inherit=settings.visibility_inherit, today=today)


ViewerDep = Annotated[visibility.Viewer, Depends(get_viewer)]


def require_role(*roles: str):
    """Return a dependency that lets through only callers with one of `roles` (403 for the rest)."""

    async def check(caller: CurrentUser) -> auth.Caller:
        if caller.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(roles)}; {caller.key} is {caller.role}")
        return caller

    return check


# Until territory visibility exists, whole-graph data-quality views are for the roles that see everything.
SeesEverything = Annotated[auth.Caller, Depends(require_role(*sorted(auth.ROLES_THAT_SEE_EVERYTHING)))]
AdminUser = Annotated[auth.Caller, Depends(require_role("admin"))]
