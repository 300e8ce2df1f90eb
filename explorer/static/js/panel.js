// The side panel of the selected organisation: each section is one or two calls of the public API, loaded in
// parallel, shown as it arrives; an answer for an organisation selected before is dropped.

import { get, seg } from "./api.js";
import { revenueChart } from "./chart.js";
import { amount, count, h, linkKind, month, percent, validity } from "./format.js";
import * as state from "./state.js";

const AUDITORS = new Set(["admin", "manager", "analyst"]);
const ASSOCIATION_KINDS = new Set(["association", "chain"]);
const LIST_LIMIT = 50;

export function panel(aside, ctx) {
  let shown = 0;

  function clear() {
    shown += 1;
    aside.replaceChildren(h("p", { class: "empty", text: "Select an organisation to see its details." }));
  }

  async function show(key, params) {
    const mine = ++shown;
    const current = () => mine === shown;
    const period = state.period(params);
    const asOf = { as_of: period.as_of };
    const orgLink = (k, name) => h("a", { href: state.href("org", k, params), dataset: { key: k } }, name ?? k);
    const body = h("div", { class: "panel-body" });
    aside.replaceChildren(body);

    let org;
    try {
      org = await get(`/organisations/${seg(key)}`, asOf);
    } catch (error) {
      if (current()) body.replaceChildren(h("p", { class: "error", text: ctx.failure(error) }));
      return;
    }
    if (!current()) return;

    const section = (title, load, { id } = {}) => {
      const content = h("div", { class: "card-body" }, h("p", { class: "muted small", text: "Loading…" }));
      const card = h("section", { class: "card", id: id ? `panel-${id}` : null }, h("h3", { text: title }), content);
      body.append(card);
      Promise.resolve()
        .then(load)
        .then((nodes) => current() && content.replaceChildren(...[nodes].flat(2).filter(Boolean)))
        .catch((error) => current() && content.replaceChildren(h("p", { class: "error", text: ctx.failure(error) })));
      return card;
    };
    const hiddenNote = (hidden) =>
      hidden > 0 ? h("p", { class: "hidden-note", dataset: { hidden } }, `${count(hidden)} more you may not see`) : null;
    const emptyOr = (items, render, hidden = 0) =>
      items.length ? [h("ul", { class: "list" }, items.map(render)), hiddenNote(hidden)] : [h("p", { class: "muted", text: "None." }), hiddenNote(hidden)];

    body.append(
      h(
        "header",
        { class: "panel-head" },
        h("h2", { id: "panel-title", text: org.name }),
        h("p", { class: "panel-sub" }, h("code", { text: org.key }), h("span", { class: "badge", text: org.kind }), org.status ? h("span", { class: "badge subtle", text: org.status }) : null),
      ),
    );

    const scopes = ASSOCIATION_KINDS.has(org.kind) ? ["self", "subtree", "group", "association"] : ["self", "subtree", "group"];
    // An association's own revenue is its members': that scope first.
    const scope = scopes.includes(params.scope) ? params.scope : ASSOCIATION_KINDS.has(org.kind) ? "association" : "subtree";
    const revenueCard = section(
      "Revenue",
      async () => {
        const answer = await get(`/organisations/${seg(key)}/revenue`, { ...period, scope, breakdown: "period" });
        return [
          h(
            "dl",
            { class: "figures" },
            figure("Revenue", amount(answer.revenue), "revenue", answer.revenue),
            figure("Gross profit", amount(answer.gross_profit), "gross-profit", answer.gross_profit),
            figure("Margin", percent(answer.margin), "margin", answer.margin),
            figure("Members", count(answer.member_count), "members", answer.member_count),
          ),
          h("p", { class: "muted small" }, `${month(answer.from)} – ${month(answer.to)} in ${answer.currency}; last purchase ${answer.last_purchase ? month(answer.last_purchase) : "none"}`),
          revenueChart(answer.periods, { label: `Monthly revenue of ${org.name} (${scope})` }),
          hiddenNote(answer.hidden_count),
        ];
      },
      { id: "revenue" },
    );
    revenueCard.querySelector("h3").append(
      h(
        "select",
        { class: "inline", "aria-label": "Revenue scope", onchange: (event) => state.go("org", key, { ...params, scope: event.target.value }) },
        scopes.map((s) => h("option", { value: s, selected: s === scope, text: s })),
      ),
    );

    section(
      "Structure",
      async () => {
        const [globalRoot, domesticRoot] = await Promise.all([
          get(`/organisations/${seg(key)}/root`, { ...asOf, scope: "global" }),
          get(`/organisations/${seg(key)}/root`, { ...asOf, scope: "domestic" }),
        ]);
        const parent = org.parent;
        return h(
          "dl",
          { class: "props" },
          prop("Parent", parent ? [orgLink(parent.key, parent.name), h("span", { class: "muted", text: ` ${linkKind(parent.kind, parent.share)} ${validity(parent.valid_from, parent.valid_to)}` })] : org.hidden_count ? "one you may not see" : "none: a root"),
          prop("Children", count(org.child_count)),
          prop("Global root", [orgLink(globalRoot.key, globalRoot.name), globalRoot.is_ultimate ? "" : h("span", { class: "muted", text: " (the topmost you see)" })]),
          prop("Domestic root", [orgLink(domesticRoot.key, domesticRoot.name), domesticRoot.country ? h("span", { class: "muted", text: ` ${domesticRoot.country}` }) : ""]),
        );
      },
      { id: "structure" },
    );

    section(
      "Properties",
      () =>
        h(
          "dl",
          { class: "props" },
          prop("Industry", org.industry),
          prop("VAT id", org.vat_id),
          prop("Address", [org.street, [org.postcode, org.city].filter(Boolean).join(" ")].filter(Boolean).join(", ")),
          prop("Country", org.country),
          prop("Source", org.source),
          prop("Former keys", org.former_keys?.join(", ")),
          prop("Declared ultimate parent", org.declared_ultimate_key),
        ),
      { id: "properties" },
    );

    const contactScope = params.contacts === "group" ? "group" : "self";
    const former = params.former === "1";
    const contactsCard = section(
      "Contacts",
      async () => {
        const page = await get(`/organisations/${seg(key)}/contacts`, { ...asOf, scope: contactScope, include_former: former, limit: LIST_LIMIT });
        return emptyOr(
          page.items,
          (c) =>
            h(
              "li",
              { class: c.until && former ? "former" : null },
              h("span", { class: "item-main" }, `${c.first_name ?? ""} ${c.last_name}`.trim(), c.is_main_contact ? h("span", { class: "badge subtle", text: "main" }) : null),
              h("span", { class: "item-meta" }, [c.role, contactScope === "group" ? c.organisation_key : null, validity(c.since, c.until)].filter(Boolean).join(" · ")),
            ),
          page.hidden_count,
        );
      },
      { id: "contacts" },
    );
    contactsCard.querySelector("h3").append(
      h(
        "span",
        { class: "toggles" },
        h("label", {}, h("input", { type: "checkbox", checked: contactScope === "group", onchange: (e) => state.go("org", key, { ...params, contacts: e.target.checked ? "group" : "" }) }), " whole group"),
        h("label", {}, h("input", { type: "checkbox", checked: former, onchange: (e) => state.go("org", key, { ...params, former: e.target.checked ? "1" : "" }) }), " former"),
      ),
    );

    const membershipItem = (m) => h("li", {}, h("span", { class: "item-main" }, orgLink(m.key, m.name)), h("span", { class: "item-meta", text: [m.kind, validity(m.valid_from, m.valid_to)].filter(Boolean).join(" · ") }));
    section("Memberships", async () => {
      const page = await get(`/organisations/${seg(key)}/memberships`, { ...asOf, limit: LIST_LIMIT });
      return emptyOr(page.items, membershipItem, page.hidden_count);
    });
    if (ASSOCIATION_KINDS.has(org.kind)) {
      section("Members", async () => {
        const page = await get(`/organisations/${seg(key)}/members`, { ...asOf, limit: LIST_LIMIT });
        return emptyOr(page.items, membershipItem, page.hidden_count);
      });
    }

    const supplyItem = (s) => h("li", {}, h("span", { class: "item-main" }, orgLink(s.key, s.name)), h("span", { class: "item-meta", text: [validity(s.since, s.until), s.note].filter(Boolean).join(" · ") }));
    section("Suppliers and customers", async () => {
      const [suppliers, customers] = await Promise.all([
        get(`/organisations/${seg(key)}/suppliers`, { ...asOf, scope: "self", limit: LIST_LIMIT }),
        get(`/organisations/${seg(key)}/customers`, { ...asOf, scope: "self", limit: LIST_LIMIT }),
      ]);
      return [h("h4", { text: "Suppliers" }), ...emptyOr(suppliers.items, supplyItem, suppliers.hidden_count), h("h4", { text: "Customers" }), ...emptyOr(customers.items, supplyItem, customers.hidden_count)];
    });

    section("Related", async () => {
      const page = await get(`/organisations/${seg(key)}/related`, { ...asOf, limit: LIST_LIMIT });
      return emptyOr(
        page.items,
        (r) =>
          h(
            "li",
            {},
            h("span", { class: "item-main" }, r.label === "Organisation" ? orgLink(r.key, r.name) : `${r.name ?? r.key}`),
            h("span", { class: "item-meta", text: [`${r.direction === "out" ? "is" : "has"} ${r.type}`, r.label === "Organisation" ? null : r.label, r.note].filter(Boolean).join(" · ") }),
          ),
        page.hidden_count,
      );
    });

    if (AUDITORS.has(ctx.me.role)) {
      section(
        "Who sees this",
        async () => {
          const viewers = await get(`/organisations/${seg(key)}/viewers`, asOf);
          return emptyOr(viewers.items, (user) => viewerItem(user, key, asOf, ctx), viewers.hidden_count);
        },
        { id: "viewers" },
      );
    }
  }

  clear();
  return { show, clear };
}

function viewerItem(user, key, asOf, ctx) {
  const path = h("div", { class: "access-path" });
  const grants = user.sees_everything
    ? `sees everything as ${user.role}`
    : user.grants.map((g) => `${g.territory_name ?? g.territory_key} (${g.role}${g.substitutes_for ? `, covering for ${g.substitutes_for}` : ""})`).join(", ");
  const why = h("button", {
    type: "button",
    class: "link small",
    "aria-expanded": "false",
    text: "Why?",
    onclick: async () => {
      if (why.getAttribute("aria-expanded") === "true") {
        why.setAttribute("aria-expanded", "false");
        why.textContent = "Why?";
        path.replaceChildren();
        return;
      }
      why.setAttribute("aria-expanded", "true");
      why.textContent = "Hide";
      path.replaceChildren(h("span", { class: "muted small", text: "Loading…" }));
      try {
        const access = await get(`/access/${seg(user.key)}/organisations/${seg(key)}`, asOf);
        path.replaceChildren(accessPath(access));
      } catch (error) {
        path.replaceChildren(h("p", { class: "error", text: ctx.failure(error) }));
      }
    },
  });
  return h("li", { dataset: { user: user.key } }, h("span", { class: "item-main" }, user.name ?? user.key, h("span", { class: "badge subtle", text: user.role }), why), h("span", { class: "item-meta", text: grants }), path);
}

function accessPath(access) {
  if (!access.visible) return h("p", { class: "muted", text: "Does not see it that day." });
  return h(
    "ol",
    { class: "path", "aria-label": "The path that grants access" },
    access.path.map((step) =>
      step.element === "node"
        ? h("li", { class: "path-node" }, h("span", { class: "badge subtle", text: step.label }), ` ${step.name ?? step.key}`, step.note ? h("span", { class: "muted", text: ` (${step.note})` }) : null)
        : h("li", { class: "path-link", text: `${step.type}${step.properties?.role ? ` ${step.properties.role}` : ""}${step.properties?.kind ? ` ${step.properties.kind}` : ""}` }),
    ),
  );
}

function prop(label, value) {
  if (value == null || value === "" || (Array.isArray(value) && !value.length)) return null;
  return [h("dt", { text: label }), h("dd", {}, value)];
}

function figure(label, text, name, value) {
  return h("div", { class: "figure" }, h("dt", { text: label }), h("dd", { dataset: { figure: name, value: value ?? "" }, text }));
}
