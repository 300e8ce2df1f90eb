// The page's only way to the server: the public /v1 API with the signed-in user's key.

const KEY_ITEM = "crmgraph.apiKey";

/** An answer other than 2xx, with the problem+json body the API sent. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  // The tab's session storage: the key leaves with the tab and is never in a cookie, so there is no CSRF surface.
  save: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

/** A parameter's value sent empty (`name=`), where the API reads an empty value otherwise than none (`breakdown`). */
export const EMPTY = Symbol("empty");

/** GET a /v1 path; empty parameters are left out, as the API counts them as not given, except those given EMPTY. */
export async function get(path, params = {}, key = session.key()) {
  const url = new URL(`v1${path}`, document.baseURI);
  for (const [name, value] of Object.entries(params)) {
    if (value === EMPTY) url.searchParams.set(name, "");
    else if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const response = await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: "application/json" } });
  if (!response.ok) {
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      // A body that is not JSON: the status says enough.
    }
    throw new ApiError(response.status, problem);
  }
  return response.json();
}

/** The path segment of a key: keys are business keys and may hold any character. */
export const seg = (key) => encodeURIComponent(key);
