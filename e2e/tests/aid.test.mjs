import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { startServer, startBrowser, login, shots, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// Takes a step; approving, rejecting and delivering ask first, in words that say what the
// step does — the question is returned (and accepted).
async function act(page, action) {
  let asked = null;
  const answer = (d) => { asked = d.message(); d.accept(); };
  page.once("dialog", answer);
  await page.click(`#action-${action}`);
  await page.waitForLoadState("load");
  page.off("dialog", answer);
  return asked;
}

test("a proposal goes from draft to a downloaded BAST", async () => {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  await login(page, server.url, "operator");
  // A running goat KUBE whose members completed technical guidance.
  await page.goto(server.url + "/kube?business_type=ternak_kambing&status=berjalan");
  const links = await page.locator("#kube tbody a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  let kube = null;
  for (const href of links) {
    await page.goto(server.url + href);
    if ((await page.locator("#guidance").innerText()).startsWith("✓")) { kube = href; break; }
  }
  assert.ok(kube, "a goat KUBE with completed guidance");
  await page.click("#new-proposal");
  // The goat group's package is offered first; filling from it keeps what was chosen.
  assert.equal(await page.locator("select[name=package_id] option:checked").innerText(), "Paket ternak kambing");
  const programme = await page.locator("select[name=programme_id] option").last().getAttribute("value");
  await page.selectOption("select[name=programme_id]", programme);
  await page.fill("textarea[name=justification]", "Pengembangan usaha ternak kambing kelompok");
  await page.click("text=Isi dari paket");
  assert.equal(await page.locator("input[aria-label='Jumlah Kambing betina']").inputValue(), "5");
  assert.equal(await page.inputValue("select[name=programme_id]"), programme, "the programme stays");
  assert.equal(await page.inputValue("textarea[name=justification]"), "Pengembangan usaha ternak kambing kelompok");
  await page.selectOption("select[name=programme_id]", { index: 0 });
  await page.click("main form[method=post] button[type=submit]:not(#use-package)");
  await page.waitForURL(/\/proposals\/\d+$/);
  assert.equal(await page.locator("#proposal-state").innerText(), "Draf");
  assert.equal(await page.locator("#proposal-total").innerText(), "Rp 22.000.000");
  await act(page, "submit");
  // Separation of duties: the submitter cannot verify; a colleague does.
  const url = page.url();
  await page.close();
  const checker = await ctx.newPage();
  await checker.context().clearCookies();
  await login(checker, server.url, "admin");
  await checker.goto(url);
  await act(checker, "verify");
  assert.equal(await checker.locator("#proposal-state").innerText(), "Diverifikasi");
  await checker.close();

  // The head of division approves.
  const kabid = await ctx.newPage();
  await kabid.context().clearCookies();
  await login(kabid, server.url, "kabid");
  await kabid.goto(url);
  const asked = await act(kabid, "approve");
  assert.match(asked, /^Setujui usulan ini\? Rp 22\.000\.000 dari anggaran program akan terikat\.$/);
  assert.equal(await kabid.locator("#proposal-state").innerText(), "Disetujui");
  await kabid.close();

  const op = await ctx.newPage();
  await op.context().clearCookies();
  await login(op, server.url, "operator");
  await op.goto(url);
  await op.fill("input[name=receiver]", "Ketua KUBE");
  await op.fill("input[name=place]", "Balai Desa");
  await snap(op, { path: join(shots, "proposal-deliver.png"), fullPage: true });
  await act(op, "deliver");
  assert.equal(await op.locator("#proposal-state").innerText(), "Disalurkan");
  const [download] = await Promise.all([op.waitForEvent("download"), op.click("#bast-link")]);
  assert.match(download.suggestedFilename(), /^BAST-\d+\.pdf$/);
  const file = await download.path();
  const head = readFileSync(file).subarray(0, 8).toString();
  assert.equal(head, "%PDF-1.4");
  assert.match(readFileSync(file).toString("latin1"), /dua puluh dua juta rupiah/);
  await ctx.close();
});
