// A user's portfolio: what they hold through territories (GET /v1/users/{key}/organisations) and its revenue
// (GET /v1/users/{key}/revenue), for the user, their manager, analysts and admins.

import { get, seg } from "../api.js";
import { revenueChart } from "../chart.js";
import { amount, count, h, month, percent } from "../format.js";
import * as state from "../state.js";

const PAGE_SIZE = 200;

export function portfolioView(container, ctx, now) {
  const params = now.params;
  const user = now.arg || ctx.me.key;
  let destroyed = false;
  let cursor = null;

  const input = h("input", { type: "text", name: "user", value: user, "aria-label": "User key", spellcheck: "false" });
  const form = h(
    "form",
    { class: "inline-form", onsubmit: (event) => (event.preventDefault(), state.go("portfolio", input.value.trim(), params)) },
    h("label", {}, "User ", input),
    h("button", { type: "submit", class: "secondary", text: "Show" }),
  );
  const figures = h("div", { class: "card" }, h("p", { class: "muted small", text: "Loading…" }));
  const list = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true, onclick: () => loadPage() });
  const listNote = h("div", { class: "summary" });
  container.replaceChildren(
    h(
      "section",
      { class: "page" },
      h("div", { class: "pane-head" }, h("h2", { class: "pane-title", text: `Portfolio of ${user}` }), h("div", { class: "pane-actions" }, form)),
      h(
        "div",
        { class: "columns" },
        figures,
        h(
          "div",
          { class: "card" },
          h("h3", { text: "Organisations held" }),
          listNote,
          h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Organisation" }), h("th", { scope: "col", text: "Territory" }))), list)),
          h("div", { class: "table-foot" }, more),
        ),
      ),
    ),
  );

  async function loadFigures() {
    try {
      const answer = await get(`/users/${seg(user)}/revenue`, { ...state.period(params), breakdown: "period,member", top: 10 });
      if (destroyed) return;
      ctx.range(answer);
      figures.replaceChildren(
        ...[
        h("h3", { text: "Revenue" }),
        h(
          "dl",
          { class: "figures" },
          fig("Revenue", amount(answer.revenue), "revenue"),
          fig("Gross profit", amount(answer.gross_profit), "gross-profit"),
          fig("Margin", percent(answer.margin), "margin"),
          fig("Organisations", count(answer.member_count), "members"),
        ),
        h("p", { class: "muted small", text: `${month(answer.from)} – ${month(answer.to)} in ${answer.currency}` }),
        revenueChart(answer.periods, { label: `Monthly revenue of ${user}'s portfolio` }),
        answer.members.length ? h("h4", { text: "Largest" }) : null,
        h(
          "ul",
          { class: "list amounts" },
          answer.members.map((m) => h("li", {}, h("span", { class: "item-main" }, h("a", { href: state.href("org", m.key, state.period(params)), text: m.name ?? m.key })), h("span", { class: "item-meta num", text: amount(m.revenue) }))),
        ),
        answer.hidden_count > 0 ? h("p", { class: "hidden-note", text: `${count(answer.hidden_count)} organisations you may not see` }) : null,
        ].filter(Boolean),
      );
    } catch (error) {
      if (!destroyed) figures.replaceChildren(h("p", { class: "error", text: ctx.failure(error) }));
    }
  }

  async function loadPage() {
    try {
      const page = await get(`/users/${seg(user)}/organisations`, { as_of: params.as_of || "", cursor, limit: PAGE_SIZE });
      if (destroyed) return;
      cursor = page.next_cursor;
      for (const item of page.items) {
        list.append(
          h(
            "tr",
            { dataset: { key: item.key } },
            h("td", {}, h("a", { href: state.href("org", item.key, state.period(params)), class: "org-name", text: item.name ?? item.key }), h("span", { class: "org-key", text: item.key })),
            h("td", { text: item.territory_name ?? item.territory_key ?? "" }),
          ),
        );
      }
      listNote.replaceChildren(h("span", {}, h("strong", { "data-figure": "total", text: count(page.total) }), " organisations"));
      if (page.hidden_count > 0) listNote.append(h("span", { class: "hidden-note", text: `${count(page.hidden_count)} you may not see` }));
      more.hidden = !cursor;
      more.textContent = `Show more · ${list.children.length} of ${page.total} shown`;
    } catch (error) {
      if (!destroyed) listNote.replaceChildren(h("p", { class: "error", text: ctx.failure(error) }));
    }
  }

  loadFigures();
  loadPage();
  return {
    update: () => false,
    destroy() {
      destroyed = true;
    },
  };
}

function fig(label, text, name) {
  return h("div", { class: "figure" }, h("dt", { text: label }), h("dd", { dataset: { figure: name }, text }));
}
