"""The demo of `make run`: the data set in `seed/demo/` and an API key for each of its users."""

import csv
import json
import os
from pathlib import Path

from graph import admin, auth, health, loading
from graph.errors import Unauthenticated
from graph.store import Store

DEMO_DIR = Path(__file__).parent / "demo"
KEYS_FILE_NAME = "demo-keys.json"


async def prepare(store: Store, *, data_dir: Path) -> dict[str, str]:
    """Make the graph ready for the demo and return an API key per demo user.

    The schema is installed, the demo data loaded when the graph is empty, and
    keys created once and kept in `demo-keys.json` in the data directory (readable
    by its owner only), so every `make run` prints the same working keys.
    """
    await admin.init_schema(store)
    if (await health.check(store)).nodes == 0:
        await loading.load_paths(store, [DEMO_DIR])
    keys_file = data_dir / KEYS_FILE_NAME
    keys = await _still_valid(store, _read_keys(keys_file))
    if keys is None:
        keys = {user: await auth.create_key(store, user_key=user) for user in demo_users()}
        _write_keys(keys_file, keys)
    return keys


def demo_users() -> list[str]:
    """Return the keys of the demo's users, in file order."""
    with open(DEMO_DIR / "users.csv", encoding="utf-8", newline="") as users:
        return [row["key"] for row in csv.DictReader(users)]


def _read_keys(path: Path) -> dict[str, str] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


async def _still_valid(store: Store, keys: dict[str, str] | None) -> dict[str, str] | None:
    if not keys or set(keys) != set(demo_users()):
        return None
    for api_key in keys.values():
        try:
            await auth.authenticate(store, api_key=api_key)
        except Unauthenticated:
            return None
    return keys


def _write_keys(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(keys, file, indent=2)
