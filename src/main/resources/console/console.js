// userdb console: sign-in; for every signed-in user their profile and password; for admins
// user management, the live pool view and the audit log (admin.js, pool.js, audit.js).
import { call, signInMessage } from "./api.js";
import { el, field, showFieldError, clearErrors, status, reportError } from "./dom.js";
import { adminSections } from "./admin.js";

const main = document.getElementById("main");
const whoami = document.getElementById("whoami");
const signOutButton = document.getElementById("sign-out");

signOutButton.addEventListener("click", async () => {
  await call("DELETE", "/api/session");
  showSignIn("Signed out.");
});

async function start() {
  const me = await call("GET", "/api/me");
  if (me.status === 200 && me.body.authenticatedBy === "session") {
    showProfile(me.body);
  } else {
    showSignIn();
  }
}

function showSignIn(notice = "") {
  whoami.textContent = "";
  signOutButton.hidden = true;
  main.className = "";
  const message = el("p", { class: "status", id: "sign-in-status", role: "alert" });
  const form = el("form", { id: "sign-in", novalidate: true },
    field("sign-in", "username", "Username", "text", "", { autocomplete: "username", required: true }),
    field("sign-in", "password", "Password", "password", "", { autocomplete: "current-password", required: true }),
    el("button", { type: "submit" }, "Sign in"),
    message);
  if (notice) status(message, notice, true);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const credentials = { username: form.elements.username.value, password: form.elements.password.value };
    const back = new URLSearchParams(location.search).get("return");
    if (back !== null) credentials.return = back; // checked by the server, which says where to go
    const reply = await call("POST", "/api/session", credentials);
    if (reply.status === 200 && typeof reply.body.returnTo === "string") {
      location.assign(reply.body.returnTo); // a path on this site: the server allows nothing else
    } else if (reply.status === 200) {
      showProfile(reply.body);
    } else {
      form.elements.password.value = "";
      status(message, signInMessage(reply), false);
    }
  });
  main.replaceChildren(el("section", {}, el("h2", {}, "Sign in"), form));
  form.elements.username.focus();
}

function showProfile(user) {
  whoami.textContent = `Signed in as ${user.username} (${user.roles.join(", ") || "no roles"})`;
  signOutButton.hidden = false;
  main.className = "two";
  main.replaceChildren(profileSection(user), passwordSection(user),
    ...(user.roles.includes("admin") ? adminSections() : []));
}

function profileSection(user) {
  const message = el("p", { class: "status", role: "status" });
  const form = el("form", { id: "profile", novalidate: true },
    field("profile", "displayName", "Display name", "text", user.displayName || "", { autocomplete: "name" }),
    field("profile", "email", "Email", "email", user.email || "", { autocomplete: "email" }),
    el("button", { type: "submit" }, "Save profile"),
    message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const reply = await call("PATCH", `/api/users/${encodeURIComponent(user.username)}`,
      { displayName: form.elements.displayName.value, email: form.elements.email.value });
    if (reply.status === 200) {
      status(message, "Profile saved.", true);
    } else {
      reportError(form, message, reply);
    }
  });
  return el("section", { "aria-labelledby": "profile-title" },
    el("h2", { id: "profile-title" }, "Your profile"),
    el("dl", {}, el("dt", {}, "Username"), el("dd", { id: "profile-username" }, user.username),
      el("dt", {}, "Display name"), el("dd", { id: "profile-shown-name" }, user.displayName || "")),
    form);
}

function passwordSection(user) {
  const message = el("p", { class: "status", role: "status" });
  const form = el("form", { id: "password", novalidate: true },
    field("password", "currentPassword", "Current password", "password", "", { autocomplete: "current-password" }),
    field("password", "password", "New password", "password", "", { autocomplete: "new-password" }),
    el("button", { type: "submit" }, "Change password"),
    message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const reply = await call("PUT", `/api/users/${encodeURIComponent(user.username)}/password`,
      { currentPassword: form.elements.currentPassword.value, password: form.elements.password.value });
    form.reset();
    if (reply.status === 204) {
      status(message, "Password changed. Your other sessions have ended.", true);
    } else if (reply.status === 401 || reply.status === 403) {
      showFieldError(form, "currentPassword", "The current password is not right.");
      status(message, "Password not changed.", false);
    } else {
      reportError(form, message, reply);
    }
  });
  return el("section", { "aria-labelledby": "password-title" }, el("h2", { id: "password-title" }, "Change password"), form);
}

start();
