"""API keys and the users behind them.

A key is 256 random bits. Only its SHA-256 hash is stored: with that much
entropy a fast hash cannot be brute-forced, and each request stays one indexed
lookup instead of a deliberately slow password hash.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from graph.errors import Forbidden, NotFound, Unauthenticated
from graph.queries import declare
from graph.store import Store

FIND_USER_BY_KEY_HASH = declare("auth/find_user_by_key_hash")
FIND_USER = declare("auth/find_user")
CREATE_API_KEY = declare("auth/create_api_key")
REVOKE_API_KEYS = declare("auth/revoke_api_keys")

KEY_PREFIX = "crm_"
SHOWN_PREFIX_LENGTH = 10
ROLES_THAT_SEE_EVERYTHING = frozenset({"analyst", "admin"})


@dataclass(frozen=True)
class Caller:
    """The user a request answers for, and the user whose key made it."""

    key: str
    name: str
    role: str
    authenticated_as: str

    @property
    def sees_everything(self) -> bool:
        """Return whether the role bypasses territory visibility."""
        return self.role in ROLES_THAT_SEE_EVERYTHING


def hash_key(api_key: str) -> str:
    """Return the stored form of an API key."""
    return hashlib.sha256(api_key.encode()).hexdigest()


async def create_key(store: Store, *, user_key: str) -> str:
    """Create an API key for a user and return it; it is not stored and cannot be shown again.

    Raises:
        NotFound: no user has that key.
    """
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    rows = await store.write(
        CREATE_API_KEY,
        {
            "user_key": user_key,
            "hash": hash_key(api_key),
            "prefix": api_key[:SHOWN_PREFIX_LENGTH],
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        },
    )
    if not rows:
        raise NotFound(f"no user {user_key!r}")
    return api_key


async def revoke_keys(store: Store, *, user_key: str) -> int:
    """Revoke every active API key of a user; return how many were revoked.

    Raises:
        NotFound: no user has that key.
    """
    rows = await store.write(REVOKE_API_KEYS, {"user_key": user_key, "today": datetime.date.today()})
    if not rows:
        raise NotFound(f"no user {user_key!r}")
    return rows[0]["revoked"]


async def authenticate(store: Store, *, api_key: str | None, act_as: str | None = None) -> Caller:
    """Return the caller a request answers for.

    Args:
        store: where keys and users live.
        api_key: the bearer key sent with the request.
        act_as: a user key from `X-Act-As`; only service accounts may send it.

    Raises:
        Unauthenticated: no key, or a key that is unknown or revoked.
        Forbidden: `act_as` from a role other than `service`, or naming no user.
    """
    if not api_key:
        raise Unauthenticated("send an API key as `Authorization: Bearer <key>`")
    rows = await store.read(FIND_USER_BY_KEY_HASH, {"hash": hash_key(api_key)})
    if not rows:
        raise Unauthenticated("the API key is unknown or revoked")
    user = rows[0]
    if act_as is None:
        return Caller(key=user["key"], name=user["name"], role=user["role"], authenticated_as=user["key"])
    if user["role"] != "service":
        raise Forbidden("only service accounts may act for another user with X-Act-As")
    acted = await store.read(FIND_USER, {"key": act_as})
    if not acted:
        raise Forbidden(f"X-Act-As names no user: {act_as!r}")
    target = acted[0]
    return Caller(key=target["key"], name=target["name"], role=target["role"], authenticated_as=user["key"])
