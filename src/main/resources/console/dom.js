// Building the page: every piece of user-supplied text goes in through text nodes or an
// attribute value and is never parsed as markup, so a display name is always shown as text.
import { fieldOf } from "./api.js";

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A labelled input with a place for its error, linked for screen readers. */
export function field(form, name, label, type = "text", value = "", extra = {}) {
  const id = `${form}-${name}`;
  const error = el("span", { class: "error", id: `${id}-error`, "aria-live": "polite" });
  const input = el("input", { id, name, type, value, "aria-describedby": `${id}-error`, ...extra });
  return el("label", { for: id }, label, input, error);
}

/** A labelled select of [value, text] options, with a place for its error, as {@link field}. */
export function choice(form, name, label, options) {
  const id = `${form}-${name}`;
  const error = el("span", { class: "error", id: `${id}-error`, "aria-live": "polite" });
  const select = el("select", { id, name, "aria-describedby": `${id}-error` },
    ...options.map(([value, text]) => el("option", { value }, text)));
  return el("label", { for: id }, label, select, error);
}

/** Shows errors next to their fields; returns false if any was shown. */
export function showFieldError(form, name, message) {
  const error = form.querySelector(`#${form.id}-${name}-error`);
  if (!error) return false;
  error.textContent = message;
  return true;
}

export function clearErrors(form) {
  form.querySelectorAll(".error").forEach((e) => (e.textContent = ""));
}

/** A status line under a form: ok or bad. */
export function status(node, text, ok) {
  node.textContent = text;
  node.className = `status ${ok ? "ok" : "bad"}`;
}

/** An API error in words: next to its field when it names one, else under the form. */
export function reportError(form, message, reply) {
  const error = reply.body || { error: "unknown", message: `failed (${reply.status})` };
  const name = fieldOf(error);
  if (name && showFieldError(form, name, error.message)) {
    status(message, "Not saved: see the field marked above.", false);
  } else {
    status(message, error.message, false);
  }
}
