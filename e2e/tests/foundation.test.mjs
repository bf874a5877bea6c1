import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("login with a demo account shows the home page", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url + "/");
  assert.match(page.url(), /\/login$/);
  await snap(page, { path: join(shots, "login.png"), fullPage: true });
  await login(page, server.url, "admin");
  assert.equal(await page.locator("h1").innerText(), "Dasbor KUBE");
  assert.match(await page.locator("main").innerText(), /Langensari/);
  await snap(page, { path: join(shots, "home-admin.png"), fullPage: true });
  await page.close();
});

test("wrong password shows an error and stays on the login page", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "/login");
  await page.fill("input[name=username]", "operator");
  await page.fill("input[name=password]", "bukan-sandinya-1");
  await page.click("main button[type=submit]");
  assert.match(await page.locator("#login-error").innerText(), /salah/);
  await page.close();
});

test("an admin creates a pendamping through the form, at phone width", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await login(page, server.url, "admin");
  await page.goto(server.url + "/users/new");
  await page.fill("input[name=username]", "pendamping.baru");
  await page.selectOption("select[name=role]", "pendamping");
  await page.fill("input[name=password]", "Rahasia-2026");
  await page.click("main button[type=submit]");
  // No kecamatan chosen: the form says so next to the field.
  assert.match(await page.locator("#error-districts").innerText(), /kecamatan/);
  await snap(page, { path: join(shots, "user-form-error-360.png"), fullPage: true });
  await page.check("input[name=districts][value='32.79.01']");
  await page.fill("input[name=password]", "Rahasia-2026");
  await page.click("main button[type=submit]");
  await page.waitForURL(server.url + "/users");
  assert.match(await page.locator(".flash").innerText(), /pendamping\.baru/);
  assert.match(await page.locator("#users").innerText(), /pendamping\.baru/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page fits a 360 px screen (scrollWidth ${width})`);
  await snap(page, { path: join(shots, "users-360.png"), fullPage: true });
  await page.goto(server.url + "/audit");
  assert.match(await page.locator("#audit").innerText(), /pendamping\.baru/);
  await snap(page, { path: join(shots, "audit-360.png"), fullPage: true });
  await page.close();
});

test("a pendamping sees only their kecamatan and no user admin", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await login(page, server.url, "pendamping.langensari");
  const main = await page.locator("main").innerText();
  assert.match(main, /Langensari/);
  assert.doesNotMatch(main, /Pataruman/);
  const resp = await page.goto(server.url + "/users");
  assert.equal(resp.status(), 403);
  await snap(page, { path: join(shots, "forbidden-360.png"), fullPage: true });
  await page.close();
});

test("the new user logs in and logs out", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "/login");
  await page.fill("input[name=username]", "pendamping.baru");
  await page.fill("input[name=password]", "Rahasia-2026");
  await page.click("main button[type=submit]");
  await page.waitForURL(server.url + "/");
  await page.click("details.dropdown summary");
  await page.click("button:has-text('Keluar')");
  await page.waitForURL(/\/login$/);
  // The session is over: the home page asks for a login again.
  await page.goto(server.url + "/");
  assert.match(page.url(), /\/login/);
  await page.close();
});
