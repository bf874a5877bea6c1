import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("a pendamping on a phone records a visit and sees the KUBE's status change", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/mentoring");
  assert.match(await page.locator("h1").innerText(), /KUBE dampingan saya/);
  await snap(page, { path: join(shots, "mentoring-360.png"), fullPage: false });
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
  await snap(page, { path: join(shots, "visit-form-360.png"), fullPage: true });
  await page.click("main button[type=submit]");
  await page.waitForURL(kubeUrl);
  assert.match(await page.locator(".flash").innerText(), /Status KUBE: Berjalan/);
  assert.equal(await page.locator("#health-status").innerText(), "Berjalan");
  assert.match(await page.locator("#visits").innerText(), /Rp 2\.500\.000/);
  await snap(page, { path: join(shots, "kube-after-visit-360.png"), fullPage: true });
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

test("the visit form on a phone: the number pad for money, an error beside its field with the focus", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/mentoring");
  await page.locator("#queue li a.visit-link").first().click();
  await page.waitForURL(/\/visits\/new$/);
  for (const f of ["revenue", "expenses", "savings_balance", "asset_value"]) {
    assert.equal(await page.getAttribute(`input[name=${f}]`, "inputmode"), "numeric", f);
  }
  assert.equal(await page.getAttribute("input[name=meetings_held]", "inputmode"), "numeric");
  // More members present than the group has: refused next to the field, which has the focus.
  const members = Number(await page.locator("#member-total").innerText());
  await page.check("input[name=operating][value='1']");
  await page.fill("input[name=members_present]", String(members + 5));
  await page.fill("input[name=revenue]", "1.000.000");
  await page.click("main button[type=submit]");
  await page.waitForSelector("#error-members_present");
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.name), "members_present");
  assert.equal(await page.inputValue("input[name=revenue]"), "1.000.000", "what was typed stays");
  const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `no sideways scroll: ${scroll}`);
  await snap(page, { path: join(shots, "visit-form-error-390.png") });
  // The KUBE page on the phone: tables as cards, buttons big enough to tap.
  await page.goto(page.url().replace(/\/visits\/new$/, ""));
  const [scroll2, width2] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll2 <= width2, `the KUBE page does not scroll sideways: ${scroll2}`);
  await snap(page, { path: join(shots, "kube-detail-390.png"), fullPage: true });
  await page.close();
});

test("the KUBE page's member buttons are big enough to tap on a phone", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await login(page, server.url, "operator");
  await page.goto(server.url + "/kube?district_code=32.79.04");
  await page.locator("#kube tbody a").first().click();
  await page.waitForURL(/\/kube\/\d+$/);
  const heights = await page.locator("#members button").evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().height));
  assert.ok(heights.length > 0);
  assert.ok(heights.every((h) => h >= 44), `button heights ${heights}`);
  const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `no sideways scroll: ${scroll}`);
  await snap(page, { path: join(shots, "kube-members-390.png"), fullPage: true });
  await page.close();
});
