// How figures read on the page: two decimals with thousands separators, whatever the browser's language, so that
// what is shown can be compared with the API's numbers.

const amountFormat = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat("en-US");

export const amount = (value) => (value == null ? "–" : amountFormat.format(value));
export const count = (value) => (value == null ? "–" : countFormat.format(value));
export const percent = (value) => (value == null ? "–" : `${value.toFixed(2)} %`);

/** An element with attributes, properties and children: the page's only way to build markup (no innerHTML). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "text") element.textContent = value;
    // Through the CSSOM, not the attribute: the page's Content-Security-Policy refuses inline style attributes.
    else if (name === "style") element.style.cssText = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** The link of a parent or child: "legal 75.5 %", "branch". */
export function linkKind(kind, share) {
  if (!kind) return "";
  return share == null ? kind : `${kind} ${share} %`;
}

/** A validity: "since 2021-01-01", "until 2024-03-31", "2018-07-01 – 2024-03-31". */
export function validity(from, to) {
  if (from && to) return `${from} – ${to}`;
  if (from) return `since ${from}`;
  if (to) return `until ${to}`;
  return "";
}

/** A month "2025-03" as "Mar 2025". */
export function month(period) {
  if (!period) return "";
  const [year, number] = period.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
}

/** A horizontal bar for a share between 0 and 1. */
export function bar(share, label) {
  const width = Math.max(0, Math.min(1, share || 0)) * 100;
  return h(
    "span",
    { class: "bar", role: "img", "aria-label": label, title: label },
    h("span", { class: "bar-fill", style: `width: ${width.toFixed(1)}%` }),
  );
}
