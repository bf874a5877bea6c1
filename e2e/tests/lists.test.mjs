import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { startServer, startBrowser, login, shots, xlsxRows, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// Every list sorts by its column headers and downloads what it shows, the same way.
test("an operator sorts the proposals by total and downloads them", async () => {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 420, height: 900 } });
  const page = await ctx.newPage();
  await login(page, server.url, "operator");
  await page.goto(server.url + "/proposals");
  const totals = async () => (await page.locator("#proposals tbody tr td:nth-child(4)").allInnerTexts())
    .map((t) => Number(t.replace(/[^0-9]/g, "")));
  assert.ok((await totals()).length > 1, "the demo city has proposals");
  await page.click("#proposals th a.sort:has-text('Total')");
  await page.waitForURL(/sort=total$/);
  const up = await totals();
  assert.deepEqual(up, [...up].sort((a, b) => a - b), "smallest first");
  assert.match(await page.locator("#proposals th a.sort:has-text('Total')").innerText(), /▲/);
  await page.click("#proposals th a.sort:has-text('Total')");
  await page.waitForURL(/sort=-total$/);
  const down = await totals();
  assert.deepEqual(down, [...down].sort((a, b) => b - a), "largest first");
  await snap(page, { path: join(shots, "proposals-sorted.png"), fullPage: true });
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("p.exports a:first-child")]);
  assert.match(file.suggestedFilename(), /^usulan-.*\.xlsx$/);
  // The file holds the list in the order shown: the totals, largest first.
  const rows = xlsxRows(await file.path());
  const col = rows[0].findIndex((h) => /total/i.test(h));
  assert.ok(col >= 0, `a total column: ${rows[0]}`);
  const fileTotals = rows.slice(1).map((r) => Number(r[col]));
  assert.ok(fileTotals.length >= down.length, "every proposal");
  assert.deepEqual(fileTotals.slice(0, down.length), down, "sorted as on the page");
  // The trainings list offers the same.
  await page.goto(server.url + "/trainings");
  await page.click("#trainings th a.sort:has-text('Judul')");
  await page.waitForURL(/sort=title$/);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("p.exports a:nth-child(2)")]);
  assert.match(csv.suggestedFilename(), /^bimbingan-.*\.csv$/);
  // Sorted by title as the page is.
  const titles = await page.locator("#trainings tbody tr td:first-child").allInnerTexts();
  const lines = readFileSync(await csv.path(), "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  assert.ok(lines.length > titles.length, "a header and every training");
  for (const t of titles.slice(0, 3)) assert.ok(lines.some((l) => l.includes(t.trim())), `${t} in the CSV`);
  await ctx.close();
});
