// The explorer's shell: sign-in, the views by the URL's hash, the period controls and the search box.

import { ApiError, get, session } from "./api.js";
import * as state from "./state.js";
import { searchBox } from "./search.js";
import { duplicatesView } from "./views/duplicates.js";
import { groupsView } from "./views/groups.js";
import { portfolioView } from "./views/portfolio.js";
import { treeView } from "./views/tree.js";

const VIEWS = { groups: groupsView, org: treeView, portfolio: portfolioView, duplicates: duplicatesView };
const $ = (id) => document.getElementById(id);

const ctx = {
  me: null,
  status(message) {
    $("status").textContent = message || "";
  },
  /** Show what the API answered for a period (`from`..`to`, `as_of`) beside the controls. */
  range(answer) {
    $("control-range").textContent = answer ? `Showing ${answer.from} – ${answer.to}, structure of ${answer.as_of}` : "";
    // A control the URL leaves empty shows the value the API took for it, marked as not chosen.
    const form = $("controls");
    const taken = { as_of: answer?.as_of, from: answer?.from, to: answer?.to };
    for (const name of state.PERIOD_PARAMS) {
      const input = form.elements[name];
      if (input.dataset.implicit === "true" && taken[name]) input.value = taken[name];
    }
  },
  /** A readable sentence for a failed call, and back to sign-in when the key no longer works. */
  failure(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut("Your API key is no longer valid: sign in again.");
      return "";
    }
    if (error instanceof ApiError && error.status === 404) return "Not found, or not visible to you.";
    if (error instanceof ApiError && error.status === 403) return `Not allowed: ${error.message}`;
    if (error instanceof ApiError && error.status === 422) return `Not valid: ${problemText(error.problem)}`;
    return error instanceof ApiError ? error.message : `The server did not answer (${error.message}).`;
  },
};

function problemText(problem) {
  if (problem.errors?.length) return problem.errors.map((e) => `${e.field}: ${e.reason}`).join("; ");
  return problem.detail || problem.title || "";
}

let current = null;
let lastOrganisation = null;

async function start() {
  $("signin-form").addEventListener("submit", signIn);
  $("signout").addEventListener("click", () => signOut());
  setUpControls();
  searchBox($("search"), ctx);
  window.addEventListener("hashchange", route);
  if (session.key()) {
    try {
      ctx.me = await get("/me");
    } catch (error) {
      session.clear();
      showSignIn(error instanceof ApiError && error.status === 401 ? "Your API key is no longer valid: sign in again." : "");
      return;
    }
    showApp();
  } else {
    showSignIn();
  }
}

async function signIn(event) {
  event.preventDefault();
  const input = $("signin-key");
  const key = input.value.trim();
  const error = $("signin-error");
  error.hidden = true;
  try {
    ctx.me = await get("/me", {}, key);
  } catch (failure) {
    error.textContent =
      failure instanceof ApiError && failure.status === 401
        ? "This API key is unknown or revoked. Check it and try again."
        : `Could not sign in: ${failure.message}`;
    error.hidden = false;
    input.select();
    return;
  }
  session.save(key);
  input.value = "";
  showApp();
}

function signOut(message = "") {
  session.clear();
  ctx.me = null;
  current?.destroy?.();
  current = null;
  $("view").replaceChildren();
  showSignIn(message);
}

function showSignIn(message = "") {
  $("app").hidden = true;
  $("signin").hidden = false;
  const error = $("signin-error");
  error.textContent = message;
  error.hidden = !message;
  $("signin-key").focus();
}

function showApp() {
  $("signin").hidden = true;
  $("app").hidden = false;
  $("user-name").textContent = ctx.me.name;
  $("user-name").title = ctx.me.key;
  $("user-role").textContent = ctx.me.role;
  route();
}

function route() {
  if (!ctx.me) return;
  const now = state.parse();
  if (!VIEWS[now.view]) {
    state.go("groups", null, {}, { replace: true });
    return;
  }
  if (now.view === "org" && now.arg) lastOrganisation = now.arg;
  showControls(now.params);
  $("controls").dataset.view = now.view;
  for (const link of document.querySelectorAll(".views a")) {
    if (link.dataset.view === now.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
    // The views keep the period when one switches between them, and the tree its organisation.
    const arg = link.dataset.view === "org" ? (now.view === "org" ? now.arg : lastOrganisation) : null;
    link.href = state.href(link.dataset.view, arg, state.period(now.params));
  }
  if (current && current.view === now.view && current.update(now)) return;
  current?.destroy?.();
  ctx.status("");
  ctx.range(null);
  current = { view: now.view, ...VIEWS[now.view]($("view"), ctx, now) };
}

function setUpControls() {
  const form = $("controls");
  form.addEventListener("change", (event) => {
    // Only the control changed goes into the URL: the others keep following today.
    const now = state.parse();
    state.go(now.view, now.arg, { ...now.params, [event.target.name]: event.target.value });
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  $("control-reset").addEventListener("click", () => {
    const now = state.parse();
    const params = { ...now.params };
    for (const name of state.PERIOD_PARAMS) delete params[name];
    state.go(now.view, now.arg, params);
  });
}

function showControls(params) {
  const form = $("controls");
  for (const name of state.PERIOD_PARAMS) {
    form.elements[name].value = params[name] || "";
    form.elements[name].dataset.implicit = String(!params[name]);
  }
}

start();
