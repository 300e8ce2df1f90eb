// The group tree: an organisation with its ancestors unfolded and its siblings shown, opened with one
// GET /v1/organisations/{key}/levels and each further level loaded as needed with GET /v1/organisations/{key}/children,
// a page at a time, so that no size of group or level is capped.
// Keyboard: the WAI-ARIA tree pattern (arrows move, right/left expand/collapse, Home/End, Enter selects).

import { EMPTY, get, seg } from "../api.js";
import { download, toCsv } from "../csv.js";
import { amount, bar, count, h, linkKind, validity } from "../format.js";
import { panel } from "../panel.js";
import * as state from "../state.js";

export const PAGE_SIZE = 200;
// Parameters only the side panel reads: changing them keeps the tree as it is.
const PANEL_PARAMS = ["scope", "contacts", "former"];

export function treeView(container, ctx, now) {
  const nodes = new Map();
  let params = now.params;
  let groupRevenue = 0;
  let destroyed = false;
  // Each opening of the tree; an answer for an older one is dropped.
  let generation = 0;

  const title = h("h2", { class: "pane-title", text: "Group tree" });
  const summary = h("div", { class: "summary" });
  const sortSelect = h(
    "select",
    { "aria-label": "Order of each level", onchange: () => state.go("org", now.arg, { ...params, sort: sortSelect.value }) },
    h("option", { value: "key", text: "Levels by key" }),
    h("option", { value: "revenue", text: "Levels by revenue" }),
  );
  sortSelect.value = params.sort || "key";
  const exportButton = h("button", { type: "button", class: "secondary", onclick: exportCsv, disabled: true }, "Export CSV");
  const tree = h("ul", { role: "tree", class: "tree", "aria-label": "Group tree", onkeydown: onKey, onclick: onClick });
  const aside = h("aside", { class: "panel", "aria-label": "Selected organisation" });
  const details = panel(aside, ctx);
  container.replaceChildren(
    h(
      "div",
      { class: "tree-layout" },
      h(
        "section",
        { class: "tree-pane", "aria-labelledby": "tree-title" },
        h("div", { class: "pane-head" }, Object.assign(title, { id: "tree-title" }), h("div", { class: "pane-actions" }, sortSelect, exportButton)),
        summary,
        h(
          "div",
          { class: "tree-columns", "aria-hidden": "true" },
          h("span", { text: "Organisation" }),
          h("span", { text: "Link" }),
          h("span", { class: "col-country", text: "Country" }),
          h("span", { class: "num", text: "Subtree revenue" }),
          h("span", { class: "num col-own", text: "Own revenue" }),
          h("span", { class: "col-share", text: "Share of group" }),
          h("span", { class: "num", text: "Members" }),
        ),
        tree,
      ),
      aside,
    ),
  );

  const apiParams = () => ({ ...state.period(params), sort: params.sort || "" });

  function level(key, cursor) {
    return get(`/organisations/${seg(key)}/children`, { ...apiParams(), cursor, limit: PAGE_SIZE });
  }

  async function open(key, current) {
    if (!key) {
      title.textContent = "Group tree";
      summary.replaceChildren(h("p", { class: "empty" }, "Find an organisation with the search box above, or open a group from the ", h("a", { href: state.href("groups", null, state.period(params)) }, "ranking"), "."));
      details.clear();
      return;
    }
    ctx.status("Loading the group…");
    // Two calls at once: every level of the chain down to the organisation, and the group's totals (the bars' 100 %).
    // `breakdown=` asks for the totals alone: without it the API adds the monthly series and the members.
    const [chain, group] = await Promise.all([
      get(`/organisations/${seg(key)}/levels`, { ...apiParams(), limit: PAGE_SIZE }),
      get(`/organisations/${seg(key)}/revenue`, { ...state.period(params), scope: "group", breakdown: EMPTY }),
    ]);
    if (destroyed || !current()) return;
    // A merged duplicate's key answers for its survivor: the tree shows the survivor.
    key = chain.key;
    groupRevenue = group.revenue;
    ctx.range(group);
    const pages = chain.levels;
    showSummary(group, pages[0], chain.hidden_count);

    tree.replaceChildren();
    nodes.clear();
    if (chain.hidden_count > 0) {
      tree.append(hiddenRow(chain.hidden_count, 1, "higher up in the group"));
    }
    // The topmost organisation the user sees hangs under no row: its figures and size come from its own level.
    const first = pages[0];
    const top = makeNode(
      { key: first.key, name: first.name, country: first.country, kind: null, share: null, valid_from: null, valid_to: null, parent_key: null, depth: 1, member_count: first.member_count, hidden_count: first.hidden_count },
      null,
    );
    tree.append(top.li);
    let node = top;
    for (const page of pages) {
      setFigures(node, page);
      showLevel(node, page);
      const next = page.chain_item;
      if (!next) break;
      let child = nodes.get(next.key);
      if (!child) {
        // Not on the level's first page: shown after what is loaded, until its page comes.
        child = makeNode(next, node);
        node.group.insertBefore(child.li, node.moreRow);
        child.li.classList.add("pinned");
      }
      node = child;
    }
    const selected = nodes.get(key);
    expandTo(selected);
    select(selected, { focus: false });
    exportButton.disabled = false;
    ctx.status("");
    // A merged duplicate's key: the URL names the survivor shown, in place of the old key.
    if (key !== now.arg) state.go("org", key, params, { replace: true });
  }

  function showSummary(group, topPage, hiddenAbove) {
    title.textContent = group.member_count > 1 || hiddenAbove ? `Group of ${topPage.name ?? topPage.key}` : topPage.name ?? topPage.key;
    const parts = [
      h("span", {}, h("strong", { "data-figure": "group-revenue", text: amount(group.revenue) }), ` ${group.currency} group revenue`),
      h("span", {}, h("strong", { "data-figure": "group-members", text: count(group.member_count) }), " organisations you see"),
    ];
    if (group.hidden_count > 0) {
      parts.push(h("span", { class: "hidden-note", "data-figure": "group-hidden" }, `${count(group.hidden_count)} more you may not see`));
    }
    summary.replaceChildren(...parts);
  }

  function makeNode(item, parent) {
    const node = {
      ...item,
      parent,
      level: parent ? parent.level + 1 : 1,
      loaded: false,
      cursor: null,
      children: [],
    };
    node.expandable = item.member_count + item.hidden_count > 1;
    node.li = h("li", { role: "treeitem", tabindex: "-1", "aria-level": node.level, "aria-selected": "false", dataset: { key: node.key } });
    node.row = h("div", { class: "row", style: `--level: ${node.level}` });
    node.li.append(node.row);
    if (node.expandable) {
      node.li.setAttribute("aria-expanded", "false");
      node.group = h("ul", { role: "group", hidden: true });
      node.moreRow = h("li", { role: "treeitem", tabindex: "-1", class: "more", "aria-level": node.level + 1, hidden: true });
      node.hiddenRow = null;
      node.group.append(node.moreRow);
      node.li.append(node.group);
    }
    nodes.set(node.key, node);
    if (parent) parent.children.push(node);
    drawRow(node);
    return node;
  }

  function drawRow(node) {
    const share = groupRevenue > 0 && node.total ? node.total.revenue / groupRevenue : 0;
    const shareText = groupRevenue > 0 && node.total ? `${(share * 100).toFixed(1)} % of the group's revenue` : "no group revenue";
    node.row.replaceChildren(
      h(
        "span",
        { class: "cell name" },
        h("span", { class: "toggle", "aria-hidden": "true" }),
        h(
          "span",
          { class: "org" },
          h("span", { class: "org-name", text: node.name ?? node.key, title: node.name ?? node.key }),
          h(
            "span",
            { class: "org-key" },
            node.key,
            node.depth > 1 ? h("span", { class: "badge subtle", title: "Organisations you may not see lie between it and the row above", text: "via hidden" }) : null,
          ),
        ),
      ),
      h("span", { class: "cell link", title: validity(node.valid_from, node.valid_to) }, linkKind(node.kind, node.share)),
      h("span", { class: "cell country col-country", text: node.country ?? "" }),
      h("span", { class: "cell num revenue", dataset: { value: node.total?.revenue ?? "" }, text: amount(node.total?.revenue) }),
      h("span", { class: "cell num own col-own", dataset: { value: node.own?.revenue ?? "" }, text: amount(node.own?.revenue) }),
      h("span", { class: "cell col-share" }, bar(share, shareText)),
      h("span", { class: "cell num members", dataset: { value: node.member_count ?? "" }, text: count(node.member_count) }),
    );
  }

  function setFigures(node, page) {
    node.own = page.own;
    node.total = page.total;
    node.member_count = page.member_count;
    drawRow(node);
  }

  /** Add a page of a level under its node: new rows, the "show more" row and the hidden organisations' row. */
  function showLevel(node, page) {
    node.loaded = true;
    node.cursor = page.next_cursor;
    node.childCount = page.child_count;
    if (!node.group) return;
    for (const item of page.items) {
      const known = nodes.get(item.key);
      if (known) {
        // A pinned row whose page came: it moves to its place.
        known.li.classList.remove("pinned");
        node.group.insertBefore(known.li, node.moreRow);
        continue;
      }
      const child = makeNode({ ...item, level: undefined }, node);
      child.own = item.own;
      child.total = item.total;
      drawRow(child);
      node.group.insertBefore(child.li, node.moreRow);
    }
    // Pinned rows stay after the loaded ones; the children's order is the rows' order.
    for (const pinned of node.group.querySelectorAll(":scope > li.pinned")) node.group.insertBefore(pinned, node.moreRow);
    node.children = [...node.group.children].map((li) => nodes.get(li.dataset.key)).filter(Boolean);
    const shown = node.children.length;
    const left = page.child_count - shown;
    node.moreRow.hidden = !page.next_cursor;
    node.moreRow.replaceChildren(
      h("div", { class: "row", style: `--level: ${node.level + 1}` }, h("span", { class: "cell more-label" }, `Show ${count(Math.min(PAGE_SIZE, left))} more`, h("span", { class: "muted" }, ` · ${count(shown)} of ${count(page.child_count)} shown`))),
    );
    if (page.hidden_count > 0 && !node.hiddenRow) {
      node.hiddenRow = hiddenRow(page.hidden_count, node.level + 1, "in this level");
      node.group.append(node.hiddenRow);
    }
    node.children.forEach((child, index) => {
      child.li.setAttribute("aria-posinset", index + 1);
      child.li.setAttribute("aria-setsize", page.child_count);
    });
  }

  function hiddenRow(hidden, levelNumber, where) {
    return h(
      "li",
      { role: "treeitem", tabindex: "-1", class: "hidden-row", "aria-level": levelNumber, "aria-disabled": "true", dataset: { hidden } },
      h("div", { class: "row", style: `--level: ${levelNumber}` }, h("span", { class: "cell" }, `${count(hidden)} ${hidden === 1 ? "organisation" : "organisations"} you may not see ${where}`)),
    );
  }

  async function expand(node) {
    if (!node?.expandable) return;
    if (!node.loaded) {
      node.li.setAttribute("aria-busy", "true");
      try {
        showLevel(node, await level(node.key));
      } catch (error) {
        ctx.status(ctx.failure(error));
        return;
      } finally {
        node.li.removeAttribute("aria-busy");
      }
    }
    node.group.hidden = false;
    node.li.setAttribute("aria-expanded", "true");
  }

  function collapse(node) {
    if (!node?.expandable) return;
    node.group.hidden = true;
    node.li.setAttribute("aria-expanded", "false");
  }

  function expandTo(node) {
    for (let up = node.parent; up; up = up.parent) {
      up.group.hidden = false;
      up.li.setAttribute("aria-expanded", "true");
    }
    if (node.loaded && node.expandable) {
      node.group.hidden = false;
      node.li.setAttribute("aria-expanded", "true");
    }
  }

  async function showMore(node) {
    node.moreRow.setAttribute("aria-busy", "true");
    try {
      showLevel(node, await level(node.key, node.cursor));
    } catch (error) {
      ctx.status(ctx.failure(error));
    } finally {
      node.moreRow.removeAttribute("aria-busy");
    }
  }

  function select(node, { focus = true } = {}) {
    for (const old of tree.querySelectorAll('[aria-selected="true"]')) old.setAttribute("aria-selected", "false");
    node.li.setAttribute("aria-selected", "true");
    moveFocus(node.li, focus);
    node.li.scrollIntoView({ block: "nearest" });
    details.show(node.key, params);
  }

  function moveFocus(li, focus = true) {
    for (const old of tree.querySelectorAll('[tabindex="0"]')) old.setAttribute("tabindex", "-1");
    li.setAttribute("tabindex", "0");
    if (focus) li.focus();
  }

  const visibleItems = () => [...tree.querySelectorAll('[role="treeitem"]')].filter((li) => !li.hidden && !li.closest('[role="group"][hidden]'));
  const nodeOf = (li) => (li?.dataset.key ? nodes.get(li.dataset.key) : null);
  const ownerOf = (li) => nodeOf(li.parentElement.closest('[role="treeitem"]'));

  function activate(li) {
    if (li.classList.contains("more")) showMore(ownerOf(li));
    else if (nodeOf(li)) state.go("org", li.dataset.key, params);
  }

  function onClick(event) {
    const li = event.target.closest('[role="treeitem"]');
    if (!li) return;
    const node = nodeOf(li);
    if (node && event.target.closest(".toggle")) {
      moveFocus(li);
      if (li.getAttribute("aria-expanded") === "true") collapse(node);
      else expand(node);
      return;
    }
    moveFocus(li);
    activate(li);
  }

  function onKey(event) {
    const li = event.target.closest('[role="treeitem"]');
    if (!li) return;
    const items = visibleItems();
    const index = items.indexOf(li);
    const node = nodeOf(li);
    const handled = {
      ArrowDown: () => items[index + 1] && moveFocus(items[index + 1]),
      ArrowUp: () => items[index - 1] && moveFocus(items[index - 1]),
      Home: () => moveFocus(items[0]),
      End: () => moveFocus(items[items.length - 1]),
      ArrowRight: () => {
        if (!node?.expandable) return;
        if (li.getAttribute("aria-expanded") === "true") {
          const first = node.group.querySelector(':scope > [role="treeitem"]:not([hidden])');
          if (first) moveFocus(first);
        } else {
          expand(node);
        }
      },
      ArrowLeft: () => {
        if (node?.expandable && li.getAttribute("aria-expanded") === "true") collapse(node);
        else {
          const up = li.parentElement.closest('[role="treeitem"]');
          if (up) moveFocus(up);
        }
      },
      Enter: () => activate(li),
      " ": () => activate(li),
    }[event.key];
    if (!handled) return;
    event.preventDefault();
    handled();
  }

  /** The rows as shown (expanded levels only), in tree order, for the CSV export. */
  function shownRows() {
    const rows = [];
    for (const li of visibleItems()) {
      const node = nodeOf(li);
      if (node) rows.push(node);
      else if (li.classList.contains("hidden-row")) {
        const owner = ownerOf(li);
        rows.push({ level: Number(li.getAttribute("aria-level")), parent: owner, hiddenOnly: Number(li.dataset.hidden) });
      }
    }
    return rows;
  }

  function exportCsv() {
    const text = toCsv(TREE_COLUMNS, shownRows());
    const top = nodes.values().next().value;
    const range = `${params.from || ""}${params.to ? `_${params.to}` : ""}`;
    download(`group-${top?.key ?? "tree"}${range ? `-${range}` : ""}.csv`, text);
  }

  /** Open the tree at `now.arg`, and expand again the rows of `expanded` that are still there (day or period changed). */
  async function run(expanded = []) {
    const mine = ++generation;
    try {
      await open(now.arg, () => mine === generation);
      let pending = expanded;
      // Level by level: a row deeper down exists only once its parent's level is loaded.
      while (pending.length && mine === generation) {
        const ready = pending.filter((key) => nodes.has(key));
        if (!ready.length) break;
        await Promise.all(ready.map((key) => expand(nodes.get(key))));
        pending = pending.filter((key) => !ready.includes(key));
      }
    } catch (error) {
      if (destroyed || mine !== generation) return;
      tree.replaceChildren();
      summary.replaceChildren(h("p", { class: "error", text: ctx.failure(error) }));
      details.clear();
      ctx.status("");
    }
  }
  run();

  return {
    update(next) {
      const same = (name) => (params[name] || "") === (next.params[name] || "");
      const treeParamsSame = Object.keys({ ...params, ...next.params }).filter((n) => !PANEL_PARAMS.includes(n)).every(same);
      const node = next.arg ? nodes.get(next.arg) : null;
      if (!node) return false;
      params = next.params;
      now = next;
      if (!treeParamsSame) {
        sortSelect.value = params.sort || "key";
        const expanded = [...nodes.values()].filter((n) => n.li.getAttribute("aria-expanded") === "true").map((n) => n.key);
        run(expanded);
        return true;
      }
      expandTo(node);
      select(node, { focus: tree.contains(document.activeElement) });
      return true;
    },
    destroy() {
      destroyed = true;
      details.clear();
    },
  };
}

const TREE_COLUMNS = [
  ["level", (r) => r.level],
  ["key", (r) => (r.hiddenOnly ? "" : r.key)],
  ["name", (r) => (r.hiddenOnly ? `${r.hiddenOnly} organisations you may not see` : r.name)],
  ["parent_key", (r) => r.parent?.key ?? ""],
  ["kind", (r) => (r.hiddenOnly ? "hidden" : r.kind ?? "")],
  ["share", (r) => r.share ?? ""],
  ["valid_from", (r) => r.valid_from ?? ""],
  ["valid_to", (r) => r.valid_to ?? ""],
  ["country", (r) => r.country ?? ""],
  ["revenue", (r) => r.total?.revenue ?? ""],
  ["gross_profit", (r) => r.total?.gross_profit ?? ""],
  ["own_revenue", (r) => r.own?.revenue ?? ""],
  ["own_gross_profit", (r) => r.own?.gross_profit ?? ""],
  ["member_count", (r) => r.member_count ?? ""],
  ["hidden_count", (r) => (r.hiddenOnly ? r.hiddenOnly : r.hidden_count ?? "")],
];
