import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("a pendamping on a phone records a visit and sees the KUBE's status change", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/mentoring");
  assert.match(await page.locator("h1").innerText(), /KUBE dampingan saya/);
  await page.screenshot({ path: join(shots, "mentoring-360.png"), fullPage: false });
  // Overdue visits come first; then the rest, the riskiest (inactive) first.
  assert.equal(await page.locator("#queue ul.queue").first().getAttribute("data-band"), "overdue");
  const first = page.locator("#queue li:has(.status.tidak_aktif)").first();
  assert.match(await first.locator(".status").innerText(), /Tidak aktif/);
  await first.locator("a.visit-link").click();
  await page.waitForURL(/\/kube\/\d+\/visits\/new$/);
  const kubeUrl = page.url().replace(/\/visits\/new$/, "");
  await page.check("input[name=operating][value='1']");
  await page.fill("input[name=meetings_held]", "2");
  const members = await page.locator("#member-total").innerText();
  await page.fill("input[name=members_present]", members);
  await page.check("input[name=books_up_to_date]");
  await page.fill("input[name=revenue]", "2.500.000");
  await page.fill("input[name=expenses]", "1.400.000");
  await page.fill("input[name=savings_balance]", "300.000");
  await page.fill("textarea[name=problems]", "Usaha mulai lagi setelah panen");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the visit form fits the phone (scrollWidth ${width})`);
  await page.screenshot({ path: join(shots, "visit-form-360.png"), fullPage: true });
  await page.click("main button[type=submit]");
  await page.waitForURL(kubeUrl);
  assert.match(await page.locator(".flash").innerText(), /Status KUBE: Berjalan/);
  assert.equal(await page.locator("#health-status").innerText(), "Berjalan");
  assert.match(await page.locator("#visits").innerText(), /Rp 2\.500\.000/);
  await page.screenshot({ path: join(shots, "kube-after-visit-360.png"), fullPage: true });
  await page.close();
});

test("a pendamping cannot open a KUBE of another kecamatan", async () => {
  const page = await browser.newPage();
  await login(page, server.url, "pendamping.pataruman");
  await page.goto(server.url + "/kube?district_code=32.79.04");
  assert.match(await page.locator("main").innerText(), /Belum ada data/);
  await page.close();
  const op = await browser.newPage();
  await login(op, server.url, "operator");
  await op.goto(server.url + "/kube?district_code=32.79.04");
  const href = await op.locator("#kube tbody a").first().getAttribute("href");
  await op.close();
  const p2 = await browser.newPage();
  await login(p2, server.url, "pendamping.pataruman");
  const resp = await p2.goto(server.url + href + "/visits/new");
  assert.equal(resp.status(), 404);
  await p2.close();
});
