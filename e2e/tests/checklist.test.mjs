// The stage checklist as a facilitator fills it on a phone (390 px): the items the
// records answer come ticked with their figures; a ticked item without evidence is
// refused on the item; a photo taken on the form is the evidence; the checklist's page
// shows the level and the photo, the group's page its history. Then the office's
// dashboard counts levels, and the operator downloads the rekap for the province.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { startServer, startBrowser, login, shots, xlsxRows, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// A real 1×1 PNG (the server decides a file's type by its content).
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

test("a facilitator assesses a group with a photo as evidence", async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await login(page, server.url, "pendamping.langensari");
  // A running group formed in 2012, assessed for a quarter the demo left free (Q4 2025).
  await page.goto(server.url + "/kube?status=berjalan&year=2012");
  await page.locator("table#kube tbody a").first().click();
  await page.waitForURL(/\/kube\/\d+$/);
  await page.click("#fill-checklist");
  await page.waitForURL(/\/checklist\/new$/);
  const form = page.locator("#checklist-form");
  assert.match(await form.innerText(), /Papan nama kelompok terpasang/);
  // The records answer the facilitator and the officers: ticked, with their figures.
  assert.ok(await page.locator("input[name=holds_facilitator]").isChecked());
  assert.match(await page.locator("#item-officers").innerText(), /3 dari 3 pengurus terisi/);
  // The day first: the figures, and what they tick, are the records' as of that day.
  await page.fill("#checklist-day input[name=assessed_on]", "10-11-2025");
  await page.click("#checklist-day-show");
  await page.waitForURL(/assessed_on=10-11-2025/);
  assert.equal(await page.locator("#checklist-form input[name=assessed_on]").inputValue(), "2025-11-10");
  assert.ok(!(await page.locator("input[name=holds_officers_active]").isChecked()), "no visit by then");
  await page.check("input[name=holds_name_board]");
  await page.check("input[name=holds_activity_started]");
  await page.fill("textarea[name=note_activity_started]", "Usaha berjalan sejak 2012, dilihat sendiri");
  await page.click("#checklist-form button[type=submit]");
  // No evidence for the name board: refused on that item, the rest kept as typed.
  assert.match(await page.locator("#item-name_board").innerText(), /tanpa bukti/);
  assert.equal(await page.locator("textarea[name=note_activity_started]").inputValue(), "Usaha berjalan sejak 2012, dilihat sendiri");
  await snap(page, { path: join(shots, "checklist-refused-390.png"), fullPage: true });
  const dir = mkdtempSync(join(tmpdir(), "sikube-photo-"));
  const photo = join(dir, "papan-nama.png");
  writeFileSync(photo, PNG);
  await page.check("input[name=holds_name_board]");
  await page.setInputFiles("input[name=photo_name_board]", photo);
  await page.click("#checklist-form button[type=submit]");
  await page.waitForURL(/\/checklists\/\d+$/);
  rmSync(dir, { recursive: true, force: true });
  const level = await page.locator("#checklist-level").innerText();
  assert.match(level, /^(Tumbuh|Belum memenuhi Tumbuh)$/);
  const board = page.locator("#answer-name_board");
  assert.match(await board.innerText(), /Ya/);
  assert.equal(await board.locator("a[href^='/attachments/']").count(), 1);
  const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `scrolls sideways: ${scroll} > ${width}`);
  await snap(page, { path: join(shots, "checklist-detail-390.png"), fullPage: true });
  // The group's page lists the checklist in its history.
  await page.click("main a[href^='/kube/']");
  await page.waitForURL(/\/kube\/\d+/);
  assert.match(await page.locator("#checklists").innerText(), /10\/11\/2025/);
  await ctx.close();
});

test("the dashboard counts levels and the operator sends the rekap", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await login(page, server.url, "operator");
  await page.goto(server.url + "/");
  const main = await page.locator("main").innerText();
  assert.match(main, /Tingkat perkembangan \(penilaian terakhir\)/);
  assert.match(main, /Belum pernah dinilai/);
  await page.goto(server.url + "/reports");
  await page.click("#exchange-link");
  await page.waitForURL(/\/exchange$/);
  await snap(page, { path: join(shots, "exchange-1366.png"), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#exchange-rekap")]);
  assert.match(download.suggestedFilename(), /^rekap-kube-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const rows = xlsxRows(await download.path());
  assert.deepEqual(rows[0].slice(0, 3), ["Kode Provinsi", "Kode Kabupaten/Kota", "Kode Kecamatan"]);
  const total = rows.slice(1).reduce((n, r) => n + Number(r[10]), 0);
  assert.equal(total, 150);
  await ctx.close();
});
