// For admins: the audit log (GET /api/audit), newest first, filtered by user, action, outcome
// and time, a page at a time ("Older" follows the page's `next`). Every value is set as text.
import { call } from "./api.js";
import { el, field, choice, showFieldError, clearErrors, status } from "./dom.js";
import { ACTIONS } from "./audit-actions.js";

const PAGE = 50;
const FILTERS = ["user", "action", "outcome", "since", "until"];
const COLUMNS = [
  ["#", "seq"], ["Time (UTC)", "time"], ["Action", "action"], ["Outcome", "outcome"], ["Actor", "actor"],
  ["Target", "target"], ["Client address", "address"], ["Route", "route"], ["Details", "details"],
];

export function auditSection() {
  const list = el("div", { id: "audit-list", "aria-live": "polite" });
  const message = el("p", { class: "status", role: "status", id: "audit-status" });
  const form = el("form", { id: "audit", role: "search", novalidate: true },
    el("div", { class: "filters" },
      field("audit", "user", "User (actor or target)", "search", "", { autocomplete: "off" }),
      choice("audit", "action", "Action", [["", "any"], ...ACTIONS.map((a) => [a, a])]),
      choice("audit", "outcome", "Outcome", [["", "any"], ["success", "success"], ["failure", "failure"]]),
      field("audit", "since", "Since (UTC)", "text", "", { placeholder: "2026-01-31 12:00", autocomplete: "off" }),
      field("audit", "until", "Until (UTC)", "text", "", { placeholder: "2026-01-31 13:00", autocomplete: "off" })),
    el("button", { type: "submit" }, "Show events"),
    message);
  let filters = new URLSearchParams();
  // The `before` of each page shown so far, newest first: cursors[0] is the newest page's (none).
  let cursors = [""];
  let asked = 0; // pages asked for: one answering after a later one was asked is dropped

  async function show() {
    const mine = ++asked;
    const query = new URLSearchParams(filters);
    const before = cursors[cursors.length - 1];
    if (before) query.set("before", before);
    query.set("limit", PAGE);
    const reply = await call("GET", `/api/audit?${query}`);
    if (mine !== asked) return;
    if (reply.status !== 200) {
      const error = reply.body || { message: `failed (${reply.status})` };
      const name = FILTERS.find((f) => (error.message || "").startsWith(`${f} `));
      if (name) showFieldError(form, name, error.message);
      status(message, error.message, false);
      return;
    }
    status(message, "", true);
    const { events, next } = reply.body;
    const newer = el("button", { type: "button", class: "secondary", id: "audit-newer", disabled: cursors.length === 1 },
      "Newer events");
    const older = el("button", { type: "button", class: "secondary", id: "audit-older", disabled: next === null },
      "Older events");
    newer.addEventListener("click", () => { cursors.pop(); show(); });
    older.addEventListener("click", () => { cursors.push(next); show(); });
    const page = cursors.length;
    const caption = events.length === 0 ? "No events match."
      : `Page ${page}: ${events.length} event${events.length === 1 ? "" : "s"}, newest first`
        + (next === null ? " (the oldest)" : "");
    list.replaceChildren(
      el("table", {},
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, ...COLUMNS.map(([h]) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...events.map(row))),
      el("div", { class: "pager" }, newer, older));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    filters = new URLSearchParams();
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) filters.set(name, name === "since" || name === "until" ? instant(value) : value);
    }
    cursors = [""];
    show();
  });
  show();
  return el("section", { class: "wide", "aria-labelledby": "audit-title" },
    el("h2", { id: "audit-title" }, "Audit log"), form, list);
}

/** One event as a table row: ECS names in, text out. */
function row(e) {
  const user = e.user || {};
  const target = user.target || {};
  const cells = {
    seq: e.event.sequence,
    time: e["@timestamp"].replace("T", " ").replace(/Z$/, ""),
    action: e.event.action,
    outcome: e.event.outcome,
    actor: user.name || "",
    target: target.name || (target.id ? `id ${target.id}` : ""),
    address: (e.source && e.source.address) || "",
    route: (e.service && e.service.node && e.service.node.name) || "",
    details: Object.entries(e.userdb || {}).map(([k, v]) => `${k}: ${shown(v)}`).join("; "),
  };
  return el("tr", { "data-seq": e.event.sequence, class: e.event.outcome },
    ...COLUMNS.map(([, name]) => el("td", { class: name }, cells[name])));
}

function shown(value) {
  if (Array.isArray(value)) return value.join(", ");
  return value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A time as the API takes it (an ISO-8601 instant), read as UTC when it names no zone:
 * 2026-01-31, 2026-01-31 12:00 and 2026-01-31T12:00:05 are all UTC. Anything else goes as
 * typed, and the API's answer says what is wrong with it.
 */
export function instant(text) {
  const t = text.replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return `${t}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)) return `${t}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(t)) return `${t}Z`;
  return t;
}
