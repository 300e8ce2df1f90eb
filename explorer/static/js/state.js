// The page's state lives in the URL's hash: `#/view/ARG?as_of=&from=&to=…`, so a link can be shared and the
// back button works.

/** The parameters every view passes to the API as they are. */
export const PERIOD_PARAMS = ["as_of", "from", "to"];

export function parse(hash = location.hash) {
  const raw = hash.replace(/^#/, "");
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || "groups", arg: parts[1] ?? null, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function href(view, arg, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== "" && value != null));
  const path = arg ? `#/${view}/${encodeURIComponent(arg)}` : `#/${view}`;
  return query.toString() ? `${path}?${query}` : path;
}

/** Go to a state: a new history entry, or in place of the current one with `replace`. */
export function go(view, arg, params, { replace = false } = {}) {
  const target = href(view, arg, params);
  if (target === location.hash) return;
  if (replace) {
    history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = target;
  }
}

/** The period parameters of a state, for the API. */
export function period(params) {
  return Object.fromEntries(PERIOD_PARAMS.map((name) => [name, params[name] || ""]));
}
