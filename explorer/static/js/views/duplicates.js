// Duplicate candidates for data stewards: GET /v1/duplicates with the score and the reasons of each pair.

import { get } from "../api.js";
import { count, h } from "../format.js";
import * as state from "../state.js";

const MAY_SEE = new Set(["admin", "analyst"]);
const REASONS = {
  same_vat_id: "same VAT id",
  same_name_and_postcode: "same name and postcode",
  similar_name_same_city: "similar name in the same city",
  shared_contact: "shared contact",
};

export function duplicatesView(container, ctx, now) {
  const params = now.params;
  let destroyed = false;
  const minScore = params.min_score || "0.5";
  const select = h(
    "select",
    { "aria-label": "Lowest score", onchange: (event) => state.go("duplicates", null, { ...params, min_score: event.target.value }) },
    ["0.3", "0.5", "0.7", "0.9"].map((value) => h("option", { value, selected: value === minScore, text: `score ≥ ${value}` })),
  );
  const body = h("div", { class: "card" });
  container.replaceChildren(
    h("section", { class: "page" }, h("div", { class: "pane-head" }, h("h2", { class: "pane-title", text: "Duplicate candidates" }), h("div", { class: "pane-actions" }, select)), body),
  );
  if (!MAY_SEE.has(ctx.me.role)) {
    // Not asked: the API would answer 403, and a failed request is a console error for nothing.
    body.replaceChildren(h("p", { class: "muted", text: "Duplicate candidates are for analysts and admins." }));
    return { update: () => false, destroy() {} };
  }
  body.replaceChildren(h("p", { class: "muted small", text: "Loading…" }));
  const link = (org) => h("a", { href: state.href("org", org.key, state.period(params)) }, h("span", { class: "org-name", text: org.name }), h("span", { class: "org-key", text: org.key }));
  get("/duplicates", { min_score: minScore, as_of: params.as_of || "" })
    .then((answer) => {
      if (destroyed) return;
      body.replaceChildren(
        h("p", { class: "summary" }, h("span", {}, h("strong", { "data-figure": "pairs", text: count(answer.items.length) }), answer.items.length === 1 ? " candidate pair" : " candidate pairs")),
        answer.items.length
          ? h(
              "table",
              { class: "data duplicates" },
              h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Organisation" }), h("th", { scope: "col", text: "Possible duplicate" }), h("th", { scope: "col", class: "num", text: "Score" }), h("th", { scope: "col", text: "Reasons" }))),
              h(
                "tbody",
                {},
                answer.items.map((pair) =>
                  h(
                    "tr",
                    { dataset: { a: pair.a.key, b: pair.b.key } },
                    h("td", {}, link(pair.a)),
                    h("td", {}, link(pair.b)),
                    h("td", { class: "num", text: pair.score.toFixed(2) }),
                    h("td", {}, h("ul", { class: "reasons" }, pair.reasons.map((r) => h("li", { dataset: { code: r.code } }, h("strong", { text: REASONS[r.code] ?? r.code }), r.evidence.length ? h("span", { class: "muted", text: `: ${r.evidence.join(", ")}` }) : null)))),
                  ),
                ),
              ),
            )
          : h("p", { class: "muted", text: "No candidates at this score." }),
      );
    })
    .catch((error) => !destroyed && body.replaceChildren(h("p", { class: "error", text: ctx.failure(error) })));
  return {
    update: () => false,
    destroy() {
      destroyed = true;
    },
  };
}
