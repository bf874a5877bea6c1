import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, xlsxRows, pdfText, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("the head of division follows a dashboard number to the list behind it", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page, server.url, "kabid");
  const running = Number(await page.locator("#status-berjalan").innerText());
  assert.ok(running > 0);
  await snap(page, { path: join(shots, "dashboard.png"), fullPage: true });
  await page.click("#status-berjalan");
  await page.waitForURL(/\/kube\?status=berjalan$/);
  const shown = Number((await page.locator(".pager small").innerText()).match(/dari (\d+)/)[1]);
  assert.equal(shown, running);
  // The chart's bar for Langensari leads to its KUBE.
  await page.goto(server.url + "/");
  await page.locator("svg.chart a[href='/kube?district_code=32.79.04']").first().click();
  await page.waitForURL(/district_code=32\.79\.04/);
  assert.match(await page.locator("#kube").innerText(), /Langensari|Rejasari|Waringinsari|Kujangsari|Muktisari|Bojongkantong/);
  const listed = Number((await page.locator(".pager small").innerText()).match(/dari (\d+)/)[1]);
  // A filtered list downloads as a spreadsheet holding exactly the list: a header and
  // one row per KUBE, every one of Langensari.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("p.exports a:first-child")]);
  assert.match(download.suggestedFilename(), /^kube-.*\.xlsx$/);
  const rows = xlsxRows(await download.path());
  assert.equal(rows.length, listed + 1, "header and one row per listed KUBE");
  const district = rows[0].findIndex((h) => /^(kecamatan|district)$/i.test(h));
  assert.ok(district >= 0, `a kecamatan column: ${rows[0]}`);
  assert.ok(rows.slice(1).every((r) => r[district] === "Langensari"), "only Langensari's KUBE");
  // A report, downloaded as a printable PDF.
  await page.goto(server.url + "/reports");
  await page.click("#reports a[href='/reports/kube-status']");
  assert.match(await page.locator("#report").innerText(), /Langensari/);
  await snap(page, { path: join(shots, "report-kube-status.png"), fullPage: false });
  const [pdf] = await Promise.all([page.waitForEvent("download"), page.click("#report-downloads a:nth-child(2)")]);
  assert.match(pdf.suggestedFilename(), /^laporan-kube-status-.*\.pdf$/);
  const text = pdfText(await pdf.path());
  for (const d of ["Banjar", "Pataruman", "Purwaharja", "Langensari", "Jumlah"]) {
    assert.match(text, new RegExp(d), `${d} in the report PDF`);
  }
  await page.close();
});

test("a pendamping's dashboard shows only their kecamatan", async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await login(page, server.url, "pendamping.pataruman");
  const text = await page.locator("main").innerText();
  assert.match(text, /Pataruman/);
  assert.doesNotMatch(text, /Langensari/);
  await snap(page, { path: join(shots, "dashboard-pendamping-360.png"), fullPage: true });
  await page.close();
});
