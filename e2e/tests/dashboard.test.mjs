import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("the head of division follows a dashboard number to the list behind it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, server.url, "kabid");
  const running = Number(await page.locator("#status-berjalan").innerText());
  assert.ok(running > 0);
  await page.screenshot({ path: join(shots, "dashboard.png"), fullPage: true });
  await page.click("#status-berjalan");
  await page.waitForURL(/\/kube\?status=berjalan$/);
  const shown = Number((await page.locator(".pager small").innerText()).match(/dari (\d+)/)[1]);
  assert.equal(shown, running);
  // The chart's bar for Langensari leads to its KUBE.
  await page.goto(server.url + "/");
  await page.locator("svg.chart a[href='/kube?district_code=32.79.04']").first().click();
  await page.waitForURL(/district_code=32\.79\.04/);
  assert.match(await page.locator("#kube").innerText(), /Langensari|Rejasari|Waringinsari|Kujangsari|Muktisari|Bojongkantong/);
  // A filtered list downloads as a spreadsheet.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("p.exports a:first-child")]);
  assert.match(download.suggestedFilename(), /^kube-.*\.xlsx$/);
  // A report, downloaded as a printable PDF.
  await page.goto(server.url + "/reports");
  await page.click("#reports a[href='/reports/kube-status']");
  assert.match(await page.locator("#report").innerText(), /Langensari/);
  await page.screenshot({ path: join(shots, "report-kube-status.png"), fullPage: false });
  const [pdf] = await Promise.all([page.waitForEvent("download"), page.click("#report-downloads a:nth-child(2)")]);
  assert.match(pdf.suggestedFilename(), /^laporan-kube-status-.*\.pdf$/);
  await page.close();
});

test("a pendamping's dashboard shows only their kecamatan", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await login(page, server.url, "pendamping.pataruman");
  const text = await page.locator("main").innerText();
  assert.match(text, /Pataruman/);
  assert.doesNotMatch(text, /Langensari/);
  await page.screenshot({ path: join(shots, "dashboard-pendamping-360.png"), fullPage: true });
  await page.close();
});
