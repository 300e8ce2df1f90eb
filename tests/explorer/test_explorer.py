"""The group explorer in Chromium: what a user does, and that every figure shown is the API's."""

import csv
import datetime
import io
import re
import urllib.parse

import httpx
from playwright.sync_api import Page, expect

from tests.explorer.conftest import LEVEL_PARENT, LEVEL_SIZE, Explorer, sign_in

ROOT = "ORG-DE-0001"
DEEP = "ORG-DE-0007"  # Abholmarkt Regensburg-Ost, four links below the holding
ACQUIRED = "ORG-DE-0009"  # Müller Logistik, under the holding since its link's valid_from


def amount(value: float) -> str:
    return f"{value:,.2f}"


def row(page: Page, key: str):
    return page.locator(f'[role="treeitem"][data-key="{key}"]')


def cell(page: Page, key: str, name: str):
    return page.locator(f'[role="treeitem"][data-key="{key}"] > .row .{name}')


def test_signing_in_with_a_wrong_key_says_so_and_a_right_key_opens_the_page(page, console, explorer: Explorer):
    console.expected.append("401")  # the browser logs the refused /v1/me itself
    page.goto(explorer.base_url + "/")

    page.fill("#signin-key", "crm_not-a-key")
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#signin-error")).to_contain_text("unknown or revoked")
    expect(page.locator("#app")).to_be_hidden()

    page.fill("#signin-key", explorer.keys["lena.vogel"])
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#user-name")).to_have_text("Lena Vogel")
    assert page.evaluate("sessionStorage.getItem('crmgraph.apiKey')") == explorer.keys["lena.vogel"]
    assert page.evaluate("document.cookie") == ""

    page.click("#signout")
    expect(page.locator("#signin")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('crmgraph.apiKey')") is None


def test_search_opens_an_organisation_deep_in_its_group_with_its_ancestors_unfolded(page, explorer):
    sign_in(page, explorer, "admin")

    page.fill("#search-input", "Abholmarkt Regensburg")
    page.locator(f'#search-results [data-key="{DEEP}"]').click()

    expect(page).to_have_url(re.compile(f"#/org/{DEEP}"))
    expect(row(page, DEEP)).to_have_attribute("aria-selected", "true")
    chain = [item["key"] for item in explorer.api("admin", f"/organisations/{DEEP}/ancestors")["items"]]
    assert chain[-1] == ROOT and len(chain) == 4
    for key in chain:
        expect(row(page, key)).to_have_attribute("aria-expanded", "true")
    # Its siblings are shown: the other children of its parent, and those of every ancestor.
    for key in ("ORG-DE-0004", "ORG-DE-0006", "ORG-DE-0008", ACQUIRED):
        expect(row(page, key)).to_be_visible()
    expect(page.locator("#panel-title")).to_have_text("Müller Baustoffe Abholmarkt Regensburg-Ost")

    # By keyboard, and by VAT id: arrows through the matches, Enter opens one.
    vat_id = explorer.api("admin", "/organisations/ORG-DE-0009")["vat_id"]
    page.fill("#search-input", vat_id)
    expect(page.locator('#search-results [data-key="ORG-DE-0009"]')).to_be_visible()
    expect(page.locator("#search-results [data-key]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#search-input")).to_have_attribute("aria-activedescendant", "search-option-0")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#/org/ORG-DE-0009"))
    expect(row(page, "ORG-DE-0009")).to_have_attribute("aria-selected", "true")


def test_an_organisation_deep_in_a_group_opens_with_few_calls_and_the_group_totals_alone(page, explorer):
    asked: list[urllib.parse.SplitResult] = []
    page.on("request", lambda request: asked.append(urllib.parse.urlsplit(request.url)))

    sign_in(page, explorer, "admin", f"#/org/{DEEP}")

    expect(row(page, DEEP)).to_have_attribute("aria-selected", "true")
    for key in [item["key"] for item in explorer.api("admin", f"/organisations/{DEEP}/ancestors")["items"]]:
        expect(row(page, key)).to_have_attribute("aria-expanded", "true")
    calls = [(url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True)) for url in asked]
    group = [query for path, query in calls if path.endswith(f"/{DEEP}/revenue") and query.get("scope") == ["group"]]
    # Totals alone: the default breakdown adds the monthly series and the members (twice as slow).
    assert [query.get("breakdown") for query in group] == [[""]]
    # The side panel asks about the organisation itself; the tree's calls are the rest.
    panel = (f"/v1/organisations/{DEEP}", f"/v1/organisations/{DEEP}/")
    tree = [
        (path, query)
        for path, query in calls
        if path.startswith("/v1/organisations/")
        and (not path.startswith(panel) or path.endswith(("/levels", "/children", "/ancestors")) or query in group)
    ]
    assert len(tree) <= 5, tree
    assert [path for path, _ in tree].count(f"/v1/organisations/{DEEP}/levels") == 1


def test_a_level_of_more_than_one_page_opens_a_page_at_a_time(page, explorer):
    sign_in(page, explorer, "admin", f"#/org/{LEVEL_PARENT}")
    level = page.locator(f'[data-key="{LEVEL_PARENT}"] > [role="group"] > [role="treeitem"][data-key]')
    expect(level).to_have_count(200)
    more = page.locator(f'[data-key="{LEVEL_PARENT}"] > [role="group"] > .more')
    expect(more).to_contain_text(f"Show {LEVEL_SIZE - 200} more")
    assert level.first.get_attribute("aria-setsize") == str(LEVEL_SIZE)

    more.click()

    expect(level).to_have_count(LEVEL_SIZE)
    expect(more).to_be_hidden()
    keys = level.evaluate_all("items => items.map(item => item.dataset.key)")
    assert keys == sorted(keys) and len(set(keys)) == LEVEL_SIZE

    # Collapsed and expanded again, one level at a time, without asking again.
    row(page, LEVEL_PARENT).locator(":scope > .row .toggle").click()
    expect(row(page, LEVEL_PARENT)).to_have_attribute("aria-expanded", "false")
    expect(level.first).to_be_hidden()


def test_the_figures_shown_are_the_apis_for_the_same_parameters(page, explorer):
    # The demo is dated relative to the day it is loaded: the default period (the 12 months up to today) has figures.
    sign_in(page, explorer, "admin", f"#/org/{ROOT}")
    expect(row(page, ROOT)).to_have_attribute("aria-selected", "true")

    level = explorer.api("admin", f"/organisations/{ROOT}/children")
    assert level["total"]["revenue"] > 0
    expect(cell(page, ROOT, "revenue")).to_have_text(amount(level["total"]["revenue"]))
    expect(cell(page, ROOT, "own")).to_have_text(amount(level["own"]["revenue"]))
    expect(cell(page, ROOT, "members")).to_have_text(str(level["member_count"]))
    for item in level["items"]:
        expect(cell(page, item["key"], "revenue")).to_have_text(amount(item["total"]["revenue"]))
        expect(cell(page, item["key"], "own")).to_have_text(amount(item["own"]["revenue"]))
        expect(cell(page, item["key"], "members")).to_have_text(str(item["member_count"]))

    group = explorer.api("admin", f"/organisations/{ROOT}/revenue", scope="group", breakdown="")
    expect(page.locator('[data-figure="group-revenue"]')).to_have_text(amount(group["revenue"]))
    subtree = explorer.api("admin", f"/organisations/{ROOT}/revenue", scope="subtree", breakdown="period")
    expect(page.locator('#panel-revenue [data-figure="revenue"]')).to_have_text(amount(subtree["revenue"]))
    expect(page.locator('#panel-revenue [data-figure="gross-profit"]')).to_have_text(amount(subtree["gross_profit"]))
    bars = page.locator("#panel-revenue .chart-bar")
    expect(bars).to_have_count(len(subtree["periods"]))
    shown = bars.evaluate_all("bars => bars.map(bar => [bar.dataset.period, Number(bar.dataset.revenue)])")
    assert shown == [[p["period"], p["revenue"]] for p in subtree["periods"]]


def test_a_day_before_an_acquisition_shows_the_group_without_it_and_back_returns(page, explorer):
    acquired = explorer.api("admin", f"/organisations/{ACQUIRED}")["parent"]["valid_from"]
    before = (datetime.date.fromisoformat(acquired) - datetime.timedelta(days=1)).isoformat()
    sign_in(page, explorer, "admin", f"#/org/{ROOT}")
    expect(row(page, ACQUIRED)).to_be_visible()
    members_today = cell(page, ROOT, "members").inner_text()
    row(page, "ORG-DE-0002").locator(":scope > .row .toggle").click()
    expect(row(page, "ORG-DE-0003")).to_be_visible()

    page.fill("#control-as-of", before)
    page.locator("#control-as-of").dispatch_event("change")

    expect(page).to_have_url(re.compile(f"as_of={before}"))
    expect(row(page, ROOT)).to_have_attribute("aria-selected", "true")
    expect(row(page, ACQUIRED)).to_have_count(0)
    then = explorer.api("admin", f"/organisations/{ROOT}/children", as_of=before)
    expect(cell(page, ROOT, "members")).to_have_text(str(then["member_count"]))
    assert str(then["member_count"]) != members_today
    # What was expanded stays expanded on the other day.
    expect(row(page, "ORG-DE-0003")).to_be_visible()

    page.go_back()
    expect(row(page, ACQUIRED)).to_be_visible()
    assert "as_of" not in page.url
    # The control shows the day the API took: today's.
    today = explorer.api("admin", "/groups", limit="1")["as_of"]
    expect(page.locator("#control-as-of")).to_have_value(today)


def test_a_rep_sees_only_their_part_of_a_group_and_how_much_is_hidden(page, explorer):
    sign_in(page, explorer, "anna.becker", "#/org/ORG-DE-0010")

    expect(row(page, "ORG-DE-0010")).to_have_attribute("aria-selected", "true")
    expect(row(page, ROOT)).to_have_count(0)
    top = page.locator('.tree > [role="treeitem"][data-key]')
    expect(top).to_have_attribute("data-key", "ORG-DE-0009")
    hidden_above = explorer.api("anna.becker", "/organisations/ORG-DE-0010/ancestors")["hidden_count"]
    expect(page.locator(".tree > .hidden-row")).to_contain_text(f"{hidden_above} organisation you may not see")
    group = explorer.api("anna.becker", "/organisations/ORG-DE-0010/revenue", scope="group", breakdown="")
    assert group["hidden_count"] > 0
    expect(page.locator('[data-figure="group-hidden"]')).to_have_text(f"{group['hidden_count']} more you may not see")
    # Reps do not get "who sees this".
    expect(page.locator("#panel-revenue")).to_be_visible()
    expect(page.locator("#panel-viewers")).to_have_count(0)


def test_who_sees_this_lists_the_viewers_and_the_path_that_grants_access(page, explorer):
    sign_in(page, explorer, "admin", "#/org/ORG-DE-0010")
    anna = page.locator('#panel-viewers li[data-user="anna.becker"]')
    expect(anna).to_contain_text("Germany North")

    anna.get_by_role("button", name="Why?").click()

    path = anna.locator(".path")
    expect(path).to_contain_text("Anna Becker")
    expect(path).to_contain_text("Germany North")
    expect(path.locator(".path-node").last).to_contain_text("Müller Logistik Depot Bremen")
    access = explorer.api("admin", "/access/anna.becker/organisations/ORG-DE-0010")
    expect(path.locator("li")).to_have_count(len(access["path"]))


def test_the_tree_is_used_by_keyboard(page, explorer):
    sign_in(page, explorer, "admin", f"#/org/{ROOT}")
    root = row(page, ROOT)
    expect(root).to_have_attribute("aria-selected", "true")
    root.focus()

    page.keyboard.press("ArrowDown")
    expect(row(page, "ORG-DE-0002")).to_be_focused()
    page.keyboard.press("ArrowRight")  # collapsed: its level is loaded and shown
    expect(row(page, "ORG-DE-0002")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowRight")  # expanded: to its first child
    expect(row(page, "ORG-DE-0003")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # collapsed: to its parent
    expect(row(page, "ORG-DE-0002")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # expanded: collapsed
    expect(row(page, "ORG-DE-0003")).to_be_hidden()
    page.keyboard.press("Home")
    expect(root).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(root).to_have_attribute("aria-expanded", "false")
    expect(row(page, "ORG-DE-0002")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(root).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(row(page, "ORG-DE-0009")).to_be_focused()
    page.keyboard.press("ArrowRight")  # loads its level
    expect(row(page, "ORG-DE-0009")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(row(page, "ORG-DE-0010")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#/org/ORG-DE-0010"))
    expect(row(page, "ORG-DE-0010")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-title")).to_have_text("Müller Logistik Depot Bremen")
    page.keyboard.press("End")
    expect(page.locator('[role="treeitem"]:focus')).to_have_attribute("data-key", "ORG-DE-0011")

    page.go_back()
    expect(row(page, ROOT)).to_have_attribute("aria-selected", "true")


def test_the_csv_export_holds_the_tree_as_far_as_expanded(page, explorer):
    sign_in(page, explorer, "admin", "#/org/ORG-DE-0009")
    expect(row(page, "ORG-DE-0010")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()

    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    shown = page.locator('[role="treeitem"][data-key]:visible').evaluate_all("items => items.map(i => i.dataset.key)")
    assert [r["key"] for r in rows] == shown
    level = explorer.api("admin", f"/organisations/{ROOT}/children")
    by_key = {item["key"]: item for item in level["items"]}
    for r in rows:
        if r["key"] in by_key:
            assert float(r["revenue"]) == by_key[r["key"]]["total"]["revenue"]
            assert int(r["member_count"]) == by_key[r["key"]]["member_count"]
    assert rows[0]["key"] == ROOT and rows[0]["level"] == "1"
    assert next(r for r in rows if r["key"] == "ORG-DE-0009")["share"] == "75.5"


def test_the_groups_ranking_sorts_pages_and_exports(page, explorer):
    sign_in(page, explorer, "admin", "#/groups")
    first = explorer.api("admin", "/groups", limit="50")
    rest = explorer.api("admin", "/groups", limit="50", cursor=first["next_cursor"])
    ranking = first["items"] + rest["items"]
    assert rest["next_cursor"] is None and len(ranking) == first["group_count"] > 50
    body = page.locator("table.groups tbody tr")
    expect(body).to_have_count(50)
    expect(body.first.locator(".revenue")).to_have_text(amount(ranking[0]["revenue"]))
    expect(body.first.locator(".abc")).to_have_text(ranking[0]["abc_class"])
    expect(page.locator('[data-figure="group-count"]')).to_have_text(str(first["group_count"]))

    page.get_by_role("button", name=re.compile(r"^Show \d+ more")).click()

    expect(body).to_have_count(len(ranking))
    expect(body.last.locator(".org-key")).to_have_text(ranking[-1]["root_key"])

    page.get_by_role("button", name="Group", exact=True).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    names = body.locator(".org-name").all_inner_texts()
    assert names == sorted(names, key=str.lower)

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [r["name"] for r in rows] == names
    assert {r["root_key"]: float(r["revenue"]) for r in rows} == {g["root_key"]: g["revenue"] for g in ranking}


def test_every_view_opens_without_console_errors(page, explorer):
    sign_in(page, explorer, "markus.weber", f"#/org/{ROOT}")
    expect(page.locator("#panel-viewers li").first).to_be_visible()
    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.locator("table.groups tbody tr").first).to_be_visible()
    page.get_by_role("link", name="Tree", exact=True).click()  # back to the organisation it showed
    expect(row(page, ROOT)).to_have_attribute("aria-selected", "true")
    for view, ready in [
        ("#/groups", "table.groups tbody tr"),
        ("#/portfolio", '[data-figure="total"]'),
        ("#/portfolio/thomas.huber", '[data-figure="revenue"]'),
        ("#/duplicates", ".card p"),
        ("#/org/ORG-DE-0050?scope=association", '#panel-revenue [data-figure="revenue"]'),
    ]:
        page.evaluate(f"location.hash = {view!r}")
        expect(page.locator(ready).first).to_be_visible()
        expect(page.locator("#view")).not_to_contain_text(re.compile(r"\b(null|undefined|NaN)\b"))
    # The console is checked by the `page` fixture when the test ends.


def test_the_page_reads_well_on_a_narrow_window(page, explorer):
    page.set_viewport_size({"width": 420, "height": 800})
    sign_in(page, explorer, "admin", f"#/org/{DEEP}")
    expect(row(page, DEEP)).to_have_attribute("aria-selected", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    # Every figure shown whole: a cell whose text is wider than the cell is cut.
    cut = page.evaluate(
        "[...document.querySelectorAll('.tree .cell.num')]"
        ".filter((cell) => cell.offsetParent && cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent)"
    )
    assert cut == []


def offline(page: Page, explorer: Explorer) -> list[str]:
    """Fail every request that leaves the server under test; return the URLs that tried."""
    tried: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(explorer.base_url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            tried.append(url)
            request_route.abort("internetdisconnected")

    page.route("**/*", route)
    return tried


def test_the_api_docs_render_without_internet_access(page, console, explorer):
    tried = offline(page, explorer)
    console.expected.append("ERR_INTERNET_DISCONNECTED")  # listed in `tried`, which must stay empty

    page.goto(f"{explorer.base_url}/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/v1/organisations/{key}/children")

    page.goto(f"{explorer.base_url}/redoc")
    expect(page.locator("redoc h1, .api-content h1").first).to_contain_text("crmgraph")
    expect(page.get_by_text("/v1/organisations/{key}/ancestors").first).to_be_attached()

    page.goto(f"{explorer.base_url}/")
    expect(page.locator("#signin-form")).to_be_visible()
    assert tried == []


def test_an_organisation_beyond_its_levels_first_page_opens_and_takes_its_place(page, explorer):
    last = f"ORG-XL-{LEVEL_SIZE:04d}"
    sign_in(page, explorer, "admin", f"#/org/{last}")
    level = page.locator(f'[data-key="{LEVEL_PARENT}"] > [role="group"] > [role="treeitem"][data-key]')

    # The first page and, after it, the one asked for.
    expect(row(page, last)).to_have_attribute("aria-selected", "true")
    expect(level).to_have_count(201)
    expect(row(page, last)).to_have_class(re.compile("pinned"))

    page.locator(f'[data-key="{LEVEL_PARENT}"] > [role="group"] > .more').click()

    expect(level).to_have_count(LEVEL_SIZE)
    keys = level.evaluate_all("items => items.map(item => item.dataset.key)")
    assert keys == sorted(keys)
    expect(row(page, last)).not_to_have_class(re.compile("pinned"))
    expect(row(page, last)).to_have_attribute("aria-posinset", str(LEVEL_SIZE))


def test_levels_sorted_by_revenue(page, explorer):
    sign_in(page, explorer, "admin", f"#/org/{ROOT}")
    expect(row(page, ROOT)).to_have_attribute("aria-selected", "true")

    page.get_by_label("Order of each level").select_option("revenue")

    expect(page).to_have_url(re.compile("sort=revenue"))
    level = explorer.api("admin", f"/organisations/{ROOT}/children", sort="revenue")
    children = page.locator(f'[data-key="{ROOT}"] > [role="group"] > [role="treeitem"][data-key]')
    expect(children).to_have_count(len(level["items"]))
    for index, item in enumerate(level["items"]):
        expect(children.nth(index)).to_have_attribute("data-key", item["key"])


def test_the_page_and_its_files_are_served_under_a_strict_policy(explorer):
    page = httpx.get(f"{explorer.base_url}/")
    script = httpx.get(f"{explorer.base_url}/explorer/js/main.js")
    missing = httpx.get(f"{explorer.base_url}/explorer/js/missing.js")
    unknown = httpx.get(f"{explorer.base_url}/v1/no-such-thing")

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    # The explorer answers its own paths only: the API's unknown paths stay the API's problems.
    assert missing.status_code == 404
    assert (unknown.status_code, unknown.headers["content-type"]) == (404, "application/problem+json")
