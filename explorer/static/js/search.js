// The search box: GET /v1/organisations?q= as one types, a WAI-ARIA combobox with a listbox of matches.

import { get } from "./api.js";
import { h } from "./format.js";
import * as state from "./state.js";

const DELAY_MS = 150;
const LIMIT = 12;
const MATCH_LABELS = { key: "key", vat_id: "VAT id", name: "name", words: "words" };

export function searchBox(container, ctx) {
  const input = container.querySelector("input");
  const list = container.querySelector("[role=listbox]");
  let timer = null;
  let asked = 0;
  let items = [];
  let active = -1;

  function close() {
    // Emptied, not only hidden: arrows must not move through the matches of an earlier search.
    items = [];
    list.replaceChildren();
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open(key) {
    close();
    input.value = "";
    const params = state.parse().params;
    state.go("org", key, params);
  }

  function show(found, query) {
    items = found;
    active = -1;
    list.replaceChildren(
      ...(found.length
        ? found.map((item, index) =>
            h(
              "li",
              {
                id: `search-option-${index}`,
                role: "option",
                "aria-selected": "false",
                dataset: { key: item.key },
                onmousedown: (event) => {
                  event.preventDefault();
                  open(item.key);
                },
              },
              h("span", { class: "option-name", text: item.name }),
              h("span", { class: "option-meta" }, item.key, item.country ? ` · ${item.country}` : "", item.city ? ` · ${item.city}` : ""),
              h("span", { class: "badge subtle", text: MATCH_LABELS[item.match] || item.match }),
            ),
          )
        : [h("li", { class: "option-empty", role: "option", "aria-disabled": "true", text: `Nothing you may see matches “${query}”.` })]),
    );
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(index) {
    const options = [...list.querySelectorAll("[role=option][data-key]")];
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query) {
      close();
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++asked;
      try {
        const page = await get("/organisations", { q: query, limit: LIMIT });
        if (mine === asked && input.value.trim() === query) show(page.items, query);
      } catch (error) {
        if (mine === asked) ctx.status(ctx.failure(error));
      }
    }, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = items[active] || items[0];
      if (chosen && !list.hidden) open(chosen.key);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}
