"""The explorer in a real browser: one server over the demo data and one Chromium for the module.

Debian's `chromium` is driven through Playwright's `executable_path` (Playwright cannot download its own browsers
on these machines); `make test` installs it when it is missing. Without it the tests fail rather than skip, so that
a run without a browser is never taken for a green one.
"""

import asyncio
import itertools
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright

from graph import admin
from graph.store.opening import open_store
from seed import demo
from tests.api.test_serve import serve_process
from tests.helpers import load_rows

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
# The machine's two cores are shared with other test runs: room beyond Playwright's 5 s before a check fails.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
# Children loaded under one organisation: more than one page of the explorer's levels (200).
LEVEL_PARENT = "ORG-DE-0008"
LEVEL_SIZE = 230
# Independent organisations, each a group of its own: with the demo's, more than one page of the ranking (50).
EXTRA_GROUPS = 40
_graphs = itertools.count()


@dataclass
class Explorer:
    """The running server: its URL, the API keys of the demo users, and an API client for comparisons."""

    base_url: str
    keys: dict[str, str]

    def api(self, user: str, path: str, **params: str) -> dict:
        """GET a /v1 path as a user, as the page would."""
        response = httpx.get(
            f"{self.base_url}/v1{path}",
            params={name: value for name, value in params.items() if value},
            headers={"Authorization": f"Bearer {self.keys[user]}"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


async def _prepare(settings, data_dir: Path, *, extra_level: bool) -> dict[str, str]:
    async with await open_store(settings, start_engine=False) as store:
        keys = await demo.prepare(store, data_dir=data_dir)
        if not extra_level:
            return keys
        extra = data_dir / "level"
        organisations = [
            {"key": f"ORG-XL-{n:04d}", "name": f"Abholpunkt Ulm {n:04d}", "kind": "branch", "country": "DE"}
            for n in range(1, LEVEL_SIZE + 1)
        ]
        await load_rows(store, extra, "organisations", organisations)
        parents = [{"parent_key": LEVEL_PARENT, "child_key": row["key"], "kind": "branch"} for row in organisations]
        await load_rows(store, extra, "parents", parents)
        independents = [
            {"key": f"ORG-XI-{n:04d}", "name": f"Baustoffe Einzelhandel {n:04d}", "country": "DE"}
            for n in range(1, EXTRA_GROUPS + 1)
        ]
        await load_rows(store, extra / "groups", "organisations", independents)
        return keys


def _run(coroutine):
    # In a thread of its own: pytest-asyncio's loop runs in the test thread, and asyncio.run() refuses to nest.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def explorer(request, falkordb_settings):
    """`crmgraph serve` over a graph of its own holding the demo, a level and a ranking of more than one page.

    A module with `EXTRA_LEVEL = False` gets the demo alone.
    """
    settings = falkordb_settings.model_copy(update={"falkordb_graph": f"explorer{next(_graphs)}"})
    data_dir = Path(tempfile.mkdtemp(prefix="crmg-explorer-"))
    try:
        keys = _run(_prepare(settings, data_dir, extra_level=getattr(request.module, "EXTRA_LEVEL", True)))
        with serve_process(settings) as (_, base_url, _log):
            yield Explorer(base_url=base_url, keys=keys)
    finally:
        _run(_drop(settings))
        shutil.rmtree(data_dir, ignore_errors=True)


async def _drop(settings) -> None:
    async with await open_store(settings, start_engine=False) as store:
        await admin.delete_everything(store)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; missing, it fails the tests with what to install."""
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make test does)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Console:
    """The console errors and uncaught exceptions of a page; a test names the ones it expects."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.expected: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught: {error}")

    def unexpected(self) -> list[str]:
        return [error for error in self.errors if not any(expected in error for expected in self.expected)]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser, console) -> Page:
    """A fresh tab of its own (empty session storage) at 1280×800; no unexpected console error may remain."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    opened.on("console", console.on_console)
    opened.on("pageerror", console.on_page_error)
    yield opened
    context.close()
    assert console.unexpected() == []


def sign_in(page: Page, explorer: Explorer, user: str, hash_: str = "") -> Page:
    """Open the page signed in as a user: their key put into the tab's session storage before the page loads."""
    store = f"sessionStorage.setItem('crmgraph.apiKey', {explorer.keys[user]!r})"
    page.add_init_script(f"if (location.origin === {explorer.base_url!r}) {store}")
    # Away first: going to the same page with another hash would not load it again.
    page.goto("about:blank")
    page.goto(f"{explorer.base_url}/{hash_}")
    page.wait_for_selector("#app:not([hidden])")
    return page
