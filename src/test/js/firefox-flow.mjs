// The console in Firefox, driven over WebDriver BiDi by puppeteer-core (Debian has no
// geckodriver). Run by FirefoxIT: node firefox-flow.mjs BASE_URL ADMIN_PASSWORD FIREFOX
// Prints "OK ..." and exits 0 when the whole flow worked; anything else is a failure.
import puppeteer from "puppeteer-core";

const [base, adminPassword, firefox] = process.argv.slice(2);
const XSS = "<img src=x onerror=alert(1)>";
const step = (what) => console.log("step: " + what);

const browser = await puppeteer.launch({ browser: "firefox", executablePath: firefox, headless: true });
let alerted = false;
try {
  const page = await browser.newPage();
  page.on("dialog", async (dialog) => { alerted = true; await dialog.dismiss(); });
  const text = (css) => page.$eval(css, (e) => e.textContent.trim());
  const waitText = (css, test, what) =>
    page.waitForFunction((c, t) => { const e = document.querySelector(c); return e && e.textContent.includes(t); },
      { timeout: 15000 }, css, test).then(() => step(what));
  const fill = async (css, value) => { await page.$eval(css, (e) => (e.value = "")); await page.type(css, value); };
  const signIn = async (user, password) => {
    await page.waitForSelector("#sign-in-username", { timeout: 15000 });
    await fill("#sign-in-username", user);
    await fill("#sign-in-password", password);
    await page.click("#sign-in button[type=submit]");
  };

  await page.goto(base + "/", { waitUntil: "load" });
  await signIn("admin", adminPassword);
  await waitText("#whoami", "admin", "admin signed in");
  await fill("#create-username", "firefox-user");
  await fill("#create-password", "firefox-password-1");
  await fill("#create-displayName", XSS);
  await page.click("#create button[type=submit]");
  await waitText("#create .status", "Created firefox-user", "user created");
  await fill("#search-q", "firefox");
  await page.click("#search button[type=submit]");
  await page.waitForSelector("tr[data-username='firefox-user']", { timeout: 15000 });
  const shown = await page.$eval("tr[data-username='firefox-user'] td:nth-child(2)", (e) => e.textContent);
  if (shown !== XSS) throw new Error("display name not shown as text: " + shown);
  if (await page.$("main img")) throw new Error("an element was made from the display name");
  await page.waitForFunction(() => /^\d+ of \d+$/.test(
    document.querySelector("dd[data-name='Active']")?.textContent || ""), { timeout: 15000 });
  step("pool view shows numbers");
  await page.click("#sign-out");
  await signIn("firefox-user", "firefox-password-1");
  await waitText("#whoami", "firefox-user", "user signed in");
  if ((await text("#profile-shown-name")) !== XSS) throw new Error("profile name not shown as text");
  await fill("#password-currentPassword", "firefox-password-1");
  await fill("#password-password", "firefox-password-2");
  await page.click("#password button[type=submit]");
  await waitText("#password .status", "Password changed", "password changed");
  await page.click("#sign-out");
  await signIn("firefox-user", "firefox-password-2");
  await waitText("#whoami", "firefox-user", "signed in with the new password");
  if (alerted) throw new Error("a script ran: an alert was opened");
  console.log("OK " + (await browser.version()));
} finally {
  await browser.close();
}
