"""API keys and the users behind them.

A key is 256 random bits. Only its SHA-256 hash is stored: with that much
entropy a fast hash cannot be brute-forced, and each request stays one indexed
lookup instead of a deliberately slow password hash.

A process keeps the users of the keys it has seen while the graph's revision
token (:meth:`graph.store.Store.revision`) is unchanged: a request then reads the
token instead of the key, a cheaper query. A revocation, like every write, replaces
the token, so it takes effect at the next request in every process.
"""

import datetime
import hashlib
import secrets
import weakref
from dataclasses import dataclass

from graph.errors import Forbidden, NotFound, Unauthenticated
from graph.queries import NOTHING_HELD, declare
from graph.schema.properties import is_key
from graph.store import Row, Store

FIND_USER_BY_KEY_HASH = declare("auth/find_user_by_key_hash")
FIND_USER = declare("auth/find_user")
CREATE_API_KEY = declare("auth/create_api_key", touches=NOTHING_HELD)
REVOKE_API_KEYS = declare("auth/revoke_api_keys", touches=NOTHING_HELD)

KEY_PREFIX = "crm_"
SHOWN_PREFIX_LENGTH = 10
ROLES_THAT_SEE_EVERYTHING = frozenset({"analyst", "admin"})
# A service key acting for these would hold rights no service needs: an integration that must write gets an
# admin key of its own, revocable on its own (docs/production.md, "Create an API key").
ROLES_NO_SERVICE_ACTS_FOR = frozenset({"admin", "service"})
# Keys whose users a process keeps, per store; past that it forgets them all and reads them again.
KEYS_KEPT = 1000


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
        Forbidden: `act_as` from a role other than `service`, or naming no user, an admin or a service.
    """
    if not api_key:
        raise Unauthenticated("send an API key as `Authorization: Bearer <key>`")
    user = await _user_of_key(store, hash_key(api_key))
    if user is None:
        raise Unauthenticated("the API key is unknown or revoked")
    if act_as is None:
        return Caller(key=user["key"], name=user["name"], role=user["role"], authenticated_as=user["key"])
    if user["role"] != "service":
        raise Forbidden("only service accounts may act for another user with X-Act-As")
    # A value no key can be is not sent to the engine: FalkorDB cuts a query's text at a NUL byte.
    acted = await store.read(FIND_USER, {"key": act_as}) if is_key(act_as) else []
    # An admin or a service answers like an unknown user: a service key does not learn which keys they hold.
    if not acted or acted[0]["role"] in ROLES_NO_SERVICE_ACTS_FOR:
        raise Forbidden(f"X-Act-As names no user a service may act for (admins and services may not be): {act_as!r}")
    target = acted[0]
    return Caller(key=target["key"], name=target["name"], role=target["role"], authenticated_as=user["key"])


@dataclass(frozen=True, slots=True)
class _KnownKey:
    """The user of an active key, as the graph held it at `revision`."""

    revision: str
    user: Row


_KNOWN_KEYS: "weakref.WeakKeyDictionary[Store, dict[str, _KnownKey]]" = weakref.WeakKeyDictionary()


async def _user_of_key(store: Store, key_hash: str) -> Row | None:
    """Return the user of the active key with this hash, or None; from memory while the graph is unchanged.

    The token is read before the key: a write between the two leaves the user kept with the older token, which
    the next request finds replaced. Unknown keys are not kept: each is looked up.
    """
    known = _KNOWN_KEYS.setdefault(store, {})
    revision = await store.revision()
    found = known.get(key_hash)
    if found is not None and found.revision == revision:
        return found.user
    rows = await store.read(FIND_USER_BY_KEY_HASH, {"hash": key_hash})
    if not rows:
        return None
    if revision is not None:
        if len(known) >= KEYS_KEPT:
            known.clear()
        known[key_hash] = _KnownKey(revision, rows[0])
    return rows[0]
