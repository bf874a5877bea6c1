import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots } from "./harness.mjs";

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
  await page.screenshot({ path: join(shots, "proposals-sorted.png"), fullPage: true });
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("p.exports a:first-child")]);
  assert.match(file.suggestedFilename(), /^usulan-.*\.xlsx$/);
  // The trainings list offers the same.
  await page.goto(server.url + "/trainings");
  await page.click("#trainings th a.sort:has-text('Judul')");
  await page.waitForURL(/sort=title$/);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("p.exports a:nth-child(2)")]);
  assert.match(csv.suggestedFilename(), /^bimbingan-.*\.csv$/);
  await ctx.close();
});
