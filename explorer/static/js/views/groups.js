// The groups ranking: GET /v1/groups a page at a time, with ABC classes; sortable by any column (the pages loaded),
// exported as CSV.

import { get } from "../api.js";
import { download, toCsv } from "../csv.js";
import { amount, bar, count, h } from "../format.js";
import * as state from "../state.js";

export const PAGE_SIZE = 50;

const COLUMNS = [
  // [sort key, header, value for sorting, numeric]
  ["rank", "Rank", (g) => g.rank, true],
  ["name", "Group", (g) => (g.name ?? g.root_key).toLocaleLowerCase(), false],
  ["abc", "ABC", (g) => g.abc_class, false],
  ["members", "Members", (g) => g.member_count, true],
  ["revenue", "Revenue", (g) => g.revenue, true],
  ["gross_profit", "Gross profit", (g) => g.gross_profit, true],
];

export function groupsView(container, ctx, now) {
  let params = now.params;
  let rows = [];
  let answer = null;
  let destroyed = false;

  const heading = h("h2", { class: "pane-title", text: "Groups by revenue" });
  const summary = h("div", { class: "summary" });
  const table = h("table", { class: "data groups" });
  const more = h("button", { type: "button", class: "secondary", hidden: true, onclick: () => load(answer.next_cursor) });
  const exportButton = h("button", { type: "button", class: "secondary", disabled: true, onclick: exportCsv }, "Export CSV");
  container.replaceChildren(
    h(
      "section",
      { class: "page" },
      h("div", { class: "pane-head" }, heading, h("div", { class: "pane-actions" }, exportButton)),
      summary,
      h("div", { class: "table-wrap" }, table),
      h("div", { class: "table-foot" }, more),
    ),
  );

  function order() {
    const column = COLUMNS.find(([name]) => name === params.order) ?? COLUMNS[0];
    const descending = params.dir ? params.dir === "desc" : column[3] && column[0] !== "rank";
    return { column, descending };
  }

  function sorted() {
    const { column, descending } = order();
    const value = column[2];
    return [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const compared = x < y ? -1 : x > y ? 1 : a.rank - b.rank;
      return descending ? -compared : compared;
    });
  }

  function draw() {
    const { column, descending } = order();
    const total = answer?.total_revenue || 0;
    const head = h(
      "tr",
      {},
      COLUMNS.map(([name, label, , numeric]) => {
        const active = name === column[0];
        const next = active ? (descending ? "asc" : "desc") : numeric && name !== "rank" ? "desc" : "asc";
        return h(
          "th",
          { scope: "col", class: numeric ? "num" : null, "aria-sort": active ? (descending ? "descending" : "ascending") : null },
          h("button", { type: "button", class: "sort", onclick: () => state.go("groups", null, { ...params, order: name, dir: next }) }, label, h("span", { class: "sort-mark", "aria-hidden": "true", text: active ? (descending ? "▼" : "▲") : "" })),
        );
      }),
      h("th", { scope: "col", class: "col-share", text: "Share of all" }),
    );
    const body = sorted().map((g) =>
      h(
        "tr",
        { dataset: { key: g.root_key } },
        h("td", { class: "num", text: g.rank }),
        h("td", {}, h("a", { href: state.href("org", g.root_key, state.period(params)), class: "org-name", text: g.name ?? g.root_key }), h("span", { class: "org-key", text: g.root_key })),
        h("td", {}, h("span", { class: `abc abc-${g.abc_class.toLowerCase()}`, text: g.abc_class })),
        h("td", { class: "num members", text: count(g.member_count) }),
        h("td", { class: "num revenue", dataset: { value: g.revenue }, text: amount(g.revenue) }),
        h("td", { class: "num gross-profit", dataset: { value: g.gross_profit }, text: amount(g.gross_profit) }),
        h("td", { class: "col-share" }, bar(total > 0 ? g.revenue / total : 0, total > 0 ? `${((g.revenue / total) * 100).toFixed(1)} % of all groups' revenue` : "no revenue")),
      ),
    );
    table.replaceChildren(h("thead", {}, head), h("tbody", {}, body));
  }

  async function load(cursor) {
    ctx.status("Loading the ranking…");
    more.disabled = true;
    try {
      const page = await get("/groups", { ...state.period(params), cursor, limit: PAGE_SIZE });
      if (destroyed) return;
      answer = page;
      rows = cursor ? rows.concat(page.items) : page.items;
      ctx.range(page);
      summary.replaceChildren(
        h("span", {}, h("strong", { "data-figure": "group-count", text: count(page.group_count) }), " groups"),
        h("span", {}, h("strong", { "data-figure": "total-revenue", text: amount(page.total_revenue) }), ` ${page.currency} revenue in all`),
      );
      if (page.hidden_count > 0) {
        summary.append(h("span", { class: "hidden-note", "data-figure": "hidden" }, `${count(page.hidden_count)} organisations you may not see are left out`));
      }
      more.hidden = !page.next_cursor;
      more.textContent = `Show ${Math.min(PAGE_SIZE, page.group_count - rows.length)} more · ${rows.length} of ${page.group_count} shown`;
      exportButton.disabled = false;
      draw();
      ctx.status("");
    } catch (error) {
      if (!destroyed) ctx.status(ctx.failure(error));
    } finally {
      more.disabled = false;
    }
  }

  function exportCsv() {
    const columns = [
      ["rank", (g) => g.rank],
      ["root_key", (g) => g.root_key],
      ["name", (g) => g.name ?? ""],
      ["abc_class", (g) => g.abc_class],
      ["member_count", (g) => g.member_count],
      ["revenue", (g) => g.revenue],
      ["gross_profit", (g) => g.gross_profit],
    ];
    download(`groups-${answer.from}_${answer.to}.csv`, toCsv(columns, sorted()));
  }

  load(null);

  return {
    update(next) {
      const periodSame = state.PERIOD_PARAMS.every((name) => (params[name] || "") === (next.params[name] || ""));
      if (!periodSame) return false;
      params = next.params;
      draw();
      return true;
    },
    destroy() {
      destroyed = true;
    },
  };
}
