// The JSON API as the console uses it. State-changing calls always send JSON, so a
// cross-site HTML form (which cannot send application/json) can never forge one.

/**
 * Sent with every request the console makes. X-Requested-With: a 401 then carries no Basic
 * challenge, which would make the browser open its own password dialog over the page.
 */
export const SCRIPT_HEADERS = { "X-Requested-With": "userdb-console" };

/** Calls the API; resolves to {status, body, headers} whatever the status. */
export async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...SCRIPT_HEADERS } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let json = null;
  if (response.status !== 204) {
    try {
      json = await response.json();
    } catch {
      json = { error: "bad_answer", message: `the server answered ${response.status} without JSON` };
    }
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** Which form field an API error code is about, if any. */
export function fieldOf(error) {
  const byCode = {
    invalid_username: "username", invalid_password: "password", invalid_display_name: "displayName",
    invalid_email: "email", invalid_role: "roles",
  };
  if (byCode[error.error]) return byCode[error.error];
  const named = /'([A-Za-z]+)'/.exec(error.message || "");
  return named ? named[1] : null;
}

/** The words a person should read for a failed sign-in. */
export function signInMessage(reply) {
  if (reply.status === 429) {
    const wait = Number(reply.headers.get("Retry-After")) || 0;
    return `Too many failed attempts. Try again in ${wait} second${wait === 1 ? "" : "s"}.`;
  }
  if (reply.status === 401) return "Wrong username or password, or the account is disabled.";
  return (reply.body && reply.body.message) || `Sign-in failed (${reply.status}).`;
}
