// For admins: the user list (prefix search, pages), creating, editing, disabling, setting a
// password, deleting; a live view of the pool and the request rate; the audit log (audit.js).
import { call } from "./api.js";
import { el, field, showFieldError, clearErrors, status, reportError } from "./dom.js";
import { poolSection } from "./pool.js";
import { auditSection } from "./audit.js";

const PAGE = 20;
const ROLES = ["admin", "user", "guest"];

export function adminSections() {
  return [usersSection(), poolSection(), auditSection()];
}

function usersSection() {
  const list = el("div", { id: "user-list", "aria-live": "polite" });
  const editor = el("div", { id: "user-editor" });
  const search = el("form", { id: "search", role: "search", novalidate: true },
    field("search", "q", "Find users by name prefix", "search", "", { autocomplete: "off" }),
    el("button", { type: "submit" }, "Search"));
  let query = "";
  let offset = 0;
  let asked = 0; // refreshes asked for: one answering after a later one was asked is dropped

  async function refresh() {
    const mine = ++asked;
    const reply = await call("GET", `/api/users?q=${encodeURIComponent(query)}&offset=${offset}&limit=${PAGE}`);
    if (mine !== asked) return;
    if (reply.status !== 200) {
      showFieldError(search, "q", reply.body.message);
      return;
    }
    const page = reply.body;
    const rows = page.users.map((u) =>
      el("tr", { "data-username": u.username },
        el("td", {}, u.username), el("td", {}, u.displayName || ""), el("td", {}, u.email || ""),
        el("td", {}, u.roles.join(", ")), el("td", {}, u.disabled ? "disabled" : "active"),
        el("td", {}, editButton(u))));
    const first = page.total === 0 ? 0 : offset + 1;
    const last = Math.min(offset + PAGE, page.total);
    const previous = el("button", { type: "button", class: "secondary", disabled: offset === 0 }, "Previous page");
    const next = el("button", { type: "button", class: "secondary", disabled: last >= page.total }, "Next page");
    previous.addEventListener("click", () => { offset = Math.max(0, offset - PAGE); refresh(); });
    next.addEventListener("click", () => { offset += PAGE; refresh(); });
    list.replaceChildren(
      el("table", {},
        el("caption", {}, `Users ${first}-${last} of ${page.total}`),
        el("thead", {}, el("tr", {}, ...["Username", "Display name", "Email", "Roles", "State", ""].map((h) =>
          el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...rows)),
      el("div", { class: "pager" }, previous, next));
  }

  function editButton(user) {
    const button = el("button", { type: "button", class: "secondary", "aria-label": `Edit ${user.username}` }, "Edit");
    button.addEventListener("click", () => {
      editor.replaceChildren(editForm(user, refresh, () => editor.replaceChildren()));
      editor.querySelector("input").focus();
    });
    return button;
  }

  search.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(search);
    query = search.elements.q.value.trim();
    offset = 0;
    refresh();
  });
  refresh();
  return el("section", { class: "wide", "aria-labelledby": "users-title" },
    el("h2", { id: "users-title" }, "Users"), search, list, editor, createForm(refresh));
}

function roleBoxes(form, chosen) {
  return el("fieldset", { id: `${form}-roles` },
    el("legend", {}, "Roles"),
    ...ROLES.map((role) => el("label", { class: "inline" },
      el("input", { type: "checkbox", name: "roles", value: role, checked: chosen.includes(role) }), role)),
    el("span", { class: "error", id: `${form}-roles-error`, "aria-live": "polite" }));
}

function chosenRoles(form) {
  return [...form.querySelectorAll("input[name=roles]:checked")].map((box) => box.value);
}

function createForm(refresh) {
  const message = el("p", { class: "status", role: "status" });
  const form = el("form", { id: "create", novalidate: true },
    el("h3", {}, "Create a user"),
    field("create", "username", "Username", "text", "", { autocomplete: "off" }),
    field("create", "password", "Password", "password", "", { autocomplete: "new-password" }),
    field("create", "displayName", "Display name"),
    field("create", "email", "Email", "email"),
    roleBoxes("create", ["user"]),
    el("button", { type: "submit" }, "Create user"),
    message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { username: form.elements.username.value, password: form.elements.password.value,
      roles: chosenRoles(form) };
    if (form.elements.displayName.value) body.displayName = form.elements.displayName.value;
    if (form.elements.email.value) body.email = form.elements.email.value;
    const reply = await call("POST", "/api/users", body);
    if (reply.status === 201) {
      status(message, `Created ${reply.body.username}.`, true);
      form.reset();
      refresh();
    } else {
      reportError(form, message, reply);
    }
  });
  return form;
}

function editForm(user, refresh, close) {
  const name = user.username;
  const path = `/api/users/${encodeURIComponent(name)}`;
  const message = el("p", { class: "status", role: "status", id: "edit-status" });
  const form = el("form", { id: "edit", novalidate: true },
    el("h3", {}, `Edit ${name}`),
    field("edit", "displayName", "Display name", "text", user.displayName || ""),
    field("edit", "email", "Email", "email", user.email || ""),
    roleBoxes("edit", user.roles),
    el("button", { type: "submit" }, "Save changes"),
    message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const reply = await call("PATCH", path, { displayName: form.elements.displayName.value,
      email: form.elements.email.value, roles: chosenRoles(form) });
    if (reply.status === 200) { status(message, "Saved.", true); refresh(); } else { reportError(form, message, reply); }
  });

  const toggle = el("button", { type: "button", class: "secondary", id: "toggle-disabled" },
    user.disabled ? "Enable user" : "Disable user");
  toggle.addEventListener("click", async () => {
    const reply = await call("PATCH", path, { disabled: !user.disabled });
    if (reply.status === 200) {
      user.disabled = reply.body.disabled;
      toggle.textContent = user.disabled ? "Enable user" : "Disable user";
      status(message, user.disabled ? `${name} is disabled; their sessions have ended.` : `${name} is enabled.`, true);
      refresh();
    } else {
      status(message, reply.body.message, false);
    }
  });

  const passwordMessage = el("p", { class: "status", role: "status" });
  const passwordForm = el("form", { id: "set-password", novalidate: true },
    field("set-password", "password", `New password for ${name}`, "password", "", { autocomplete: "new-password" }),
    el("button", { type: "submit" }, "Set password"), passwordMessage);
  passwordForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(passwordForm);
    const reply = await call("PUT", `${path}/password`, { password: passwordForm.elements.password.value });
    passwordForm.reset();
    if (reply.status === 204) status(passwordMessage, "Password set; their sessions have ended.", true);
    else reportError(passwordForm, passwordMessage, reply);
  });

  const remove = el("button", { type: "button", class: "danger", id: "delete-user" }, `Delete ${name}`);
  remove.addEventListener("click", () => {
    const confirm = el("button", { type: "button", class: "danger", id: "confirm-delete" }, `Yes, delete ${name} for good`);
    const cancel = el("button", { type: "button", class: "secondary" }, "Keep");
    const ask = el("p", { role: "alert", id: "delete-question" }, `Delete ${name}? This cannot be undone. `, confirm, " ", cancel);
    cancel.addEventListener("click", () => { ask.remove(); remove.focus(); });
    confirm.addEventListener("click", async () => {
      const reply = await call("DELETE", path);
      if (reply.status === 204) { close(); refresh(); } else { status(message, reply.body.message, false); }
    });
    remove.after(ask);
    confirm.focus();
  });

  return el("div", { class: "editor" }, form, el("div", { class: "actions" }, toggle, remove), passwordForm);
}
