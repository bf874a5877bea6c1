// "Tugas saya" and the decision page, as the head of division at a desk and a pendamping
// on a phone use them: the list first on the home page, each item one click from its work.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, CLOCK, snap } from "./harness.mjs";

// The demo pays monthly assistance for the months of the clock's year whose 5th has come,
// the latest waiting for the head of division: on 1–5 January nothing waits yet.
const now = new Date((CLOCK === "system" ? Date.now() : Date.parse(CLOCK)) + 7 * 3600e3);
const PAYMENTS_WAIT = !(now.getUTCMonth() === 0 && now.getUTCDate() <= 5);

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function noSidewaysScroll(page) {
  const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `scrolls sideways: ${scroll} > ${width}`);
}

test("the head of division goes from the to-do list to a decision with its facts", async () => {
  for (const width of [1366, 390]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    await login(page, server.url, "kabid");
    const tasks = page.locator("#tasks");
    assert.equal(await tasks.locator("h2").innerText(), "Tugas saya");
    // The list comes before the figures.
    const [tasksTop, totalsTop] = await page.evaluate(() =>
      ["#tasks", "#totals"].map((s) => document.querySelector(s).getBoundingClientRect().top));
    assert.ok(tasksTop < totalsTop);
    const approve = tasks.locator("[data-task=proposals_to_approve] > a");
    assert.match(await approve.innerText(), /^\d+ usulan menunggu persetujuan Anda$/);
    assert.equal(await tasks.locator("[data-task=benefits_to_approve]").count(), PAYMENTS_WAIT ? 1 : 0);
    await snap(page, { path: join(shots, `home-kabid-${width}.png`), fullPage: true });
    await noSidewaysScroll(page);
    if (width !== 1366) { await ctx.close(); continue; }
    await approve.click();
    await page.waitForURL(/\/proposals\?state=verified$/);
    await page.locator("main table tbody a[href^='/proposals/']").first().click();
    await page.waitForURL(/\/proposals\/\d+$/);
    const facts = page.locator("#decision-facts");
    assert.equal(await facts.locator("h2").innerText(), "Fakta untuk keputusan");
    assert.match(await page.locator("#budget-left").innerText(), /^-?Rp [\d.]+$/);
    assert.ok(await page.locator("#group-status").isVisible());
    assert.match(await page.locator("#group-guidance").innerText(), /^(selesai|belum selesai)/);
    // Approving is either offered, or disabled with the reason beside it.
    const button = page.locator("#action-approve");
    if (await button.isDisabled()) {
      assert.match(await page.locator("#refused-approve").innerText(), /^Belum dapat dilakukan: /);
    }
    await snap(page, { path: join(shots, "proposal-decision-1366.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 900 });
    await noSidewaysScroll(page);
    await snap(page, { path: join(shots, "proposal-decision-390.png"), fullPage: true });
    await ctx.close();
  }
});

test("the head of division approves a month of payments in one go and stays at the table", { skip: !PAYMENTS_WAIT && "no payment waits on 1–5 January" }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await login(page, server.url, "kabid");
  const task = page.locator("#tasks [data-task=benefits_to_approve]");
  const waiting = Number((await task.locator("> a").innerText()).match(/^(\d+)/)[1]);
  assert.ok(waiting > 1);
  await task.locator("> a").click();
  await page.waitForURL(/\/programmes\/\d+#benefits$/);
  await page.check("#select-waiting");
  const ticked = await page.locator("input[name=benefit_id]:checked").count();
  assert.equal(ticked, waiting);
  let asked = null;
  page.once("dialog", (d) => { asked = d.message(); d.accept(); });
  await page.click("#approve-selected");
  await page.waitForURL(/#benefits$/);
  assert.match(asked, /^Setujui semua pembayaran yang dipilih\?/);
  assert.match(await page.locator("main").innerText(), new RegExp(`${waiting} pembayaran disetujui\\.`));
  assert.equal(await page.locator("input[name=benefit_id]").count(), 0, "none waits");
  // The table is where the page stands, not its top.
  assert.ok(await page.evaluate(() => window.scrollY) > 0);
  await snap(page, { path: join(shots, "benefits-approved-1366.png") });
  await page.goto(server.url + "/");
  assert.equal(await page.locator("#tasks [data-task=benefits_to_approve]").count(), 0);
  await ctx.close();
});

test("a pendamping's phone shows the visits due first, one tap from the form", async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await login(page, server.url, "pendamping.langensari");
  const first = page.locator("#tasks [data-task^=visits_]").first();
  assert.match(await first.locator("> a").innerText(), /KUBE (terlambat dikunjungi|jatuh tempo dikunjungi minggu ini)$/);
  assert.equal(await page.locator("#dash-programmes").count(), 0, "no city budget table");
  await noSidewaysScroll(page);
  await snap(page, { path: join(shots, "home-pendamping-390.png"), fullPage: true });
  // The task link is a comfortable target on a phone.
  const box = await first.locator("> a").boundingBox();
  assert.ok(box.height >= 44, `touch target ${box.height}px`);
  await first.locator("ul a").first().click();
  await page.waitForURL(/\/kube\/\d+\/visits\/new$/);
  // The queue: overdue first, "never visited" in words.
  await page.goto(server.url + "/mentoring");
  const bands = await page.locator("#queue ul.queue").evaluateAll((us) => us.map((u) => u.dataset.band));
  assert.deepEqual(bands, [...bands].sort((a, b) => ["overdue", "due_soon", "later"].indexOf(a) - ["overdue", "due_soon", "later"].indexOf(b)));
  assert.doesNotMatch(await page.locator("main").innerText(), /Terlambat \d{4,} hari/);
  await snap(page, { path: join(shots, "mentoring-390.png") });
  await ctx.close();
});

test("the operator and the administrator have their own lists; the auditor none", async () => {
  for (const [user, task] of [["operator", "proposals_to_verify"], ["admin", null], ["auditor", null]]) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await login(page, server.url, user);
    if (user === "auditor") {
      assert.equal(await page.locator("#tasks").count(), 0);
    } else {
      assert.equal(await page.locator("#tasks h2").innerText(), "Tugas saya");
      if (task) assert.equal(await page.locator(`#tasks [data-task=${task}]`).count(), 1);
    }
    await snap(page, { path: join(shots, `home-${user}-1366.png`), fullPage: false });
    await ctx.close();
  }
});
