"""The explorer's pictures in docs/, taken over the demo alone (`make screenshots`)."""

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.explorer.conftest import VIEWPORT, sign_in

# The demo as `make run` shows it, without the other module's extra level.
EXTRA_LEVEL = False


def test_screenshots_of_the_views(page, explorer, tmp_path):
    # `make screenshots` keeps them in docs/ (EXPLORER_SCREENSHOTS=docs); otherwise they are taken and dropped.
    folder = Path(os.environ.get("EXPLORER_SCREENSHOTS") or tmp_path)
    sign_in(page, explorer, "admin", "#/org/ORG-DE-0005")
    expect(page.locator("#panel-revenue .chart")).to_be_visible()
    page.screenshot(path=folder / "explorer-tree.png")

    page.set_viewport_size({"width": 420, "height": 800})
    page.evaluate("location.hash = '#/org/ORG-NL-0003'")
    expect(page.locator('[role="treeitem"][data-key="ORG-NL-0003"]')).to_have_attribute("aria-selected", "true")
    page.screenshot(path=folder / "explorer-narrow.png")

    # The ranking as a rep sees it: their part, and how much is left out.
    page.set_viewport_size(VIEWPORT)
    sign_in(page, explorer, "anna.becker", "#/groups")
    expect(page.locator('[data-figure="hidden"]')).to_be_visible()
    page.screenshot(path=folder / "explorer-groups.png")

    assert all((folder / name).stat().st_size > 10_000 for name in ("explorer-tree.png", "explorer-groups.png"))
