// Work that comes in batches, as the office does it: a training's participants found and
// ticked at once and all their certificates in one PDF; several KUBE given to a
// pendamping from the list; a KUBE form's member rows filled from a search that asks the
// server as one types; a draft proposal changed before it is submitted. At 1366 and 390 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, pdfText, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function as(user, width = 1366) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true, isMobile: width < 500 });
  const page = await ctx.newPage();
  await login(page, server.url, user);
  return page;
}

async function noSidewaysScroll(page) {
  const [scroll, width] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `scrolls sideways: ${scroll} > ${width}`);
}

test("a training's participants are searched, ticked at once, and certified in one PDF", async () => {
  const page = await as("operator");
  await page.goto(server.url + "/trainings");
  await page.locator("#trainings tbody a").first().click();
  await page.waitForURL(/\/trainings\/\d+$/);
  const before = Number((await page.locator("h2", { hasText: "Peserta (" }).innerText()).match(/\((\d+)\)/)[1]);
  await page.click("#add-participants summary");
  // Typing asks the server: the list narrows to the names that start so.
  const first = await page.locator("#pick-results .ticks label").first().innerText();
  const start = first.trim().slice(0, 4);
  await page.fill("input[name=pick_q]", start);
  await page.waitForResponse((r) => r.url().includes("pick_q="));
  await page.waitForTimeout(200);
  const shown = await page.locator("#pick-results .ticks label").allInnerTexts();
  assert.ok(shown.length > 0 && shown.every((l) => l.trim().toLowerCase().startsWith(start.toLowerCase())), shown.join("\n"));
  assert.ok(shown.every((l) => / th · .+ · NIK /.test(l)), "age, village and NIK beside each name");
  const ticks = page.locator("#pick-results input[name=person_id]");
  const n = Math.min(2, await ticks.count());
  for (let i = 0; i < n; i++) await ticks.nth(i).check();
  await snap(page, { path: join(shots, "training-pick-1366.png"), fullPage: true });
  await page.click("#add-ticked");
  await page.waitForURL(/\/trainings\/\d+#participants$/);
  assert.match(await page.locator(".flash").innerText(), /dicatat sebagai peserta\.$/);
  const after = Number((await page.locator("h2", { hasText: "Peserta (" }).innerText()).match(/\((\d+)\)/)[1]);
  assert.equal(after, before + n);
  // Every attending participant's certificate in one file, a page each.
  const attended = await page.locator("#participants tbody a[href*='/certificates/']").count();
  assert.ok(attended > 0);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#all-certificates")]);
  const text = pdfText(await download.path());
  assert.equal((text.match(/SERTIFIKAT/g) || []).length, attended);
  await page.setViewportSize({ width: 390, height: 900 });
  await noSidewaysScroll(page);
  await snap(page, { path: join(shots, "training-pick-390.png"), fullPage: true });
  await page.context().close();
});

test("several KUBE are given to a pendamping from the list, and back", async () => {
  const page = await as("operator");
  await page.goto(server.url + "/kube");
  const pendampings = await page.locator("select[name=pendamping_id]").first().locator("option").evaluateAll(
    (os) => os.map((o) => [o.value, o.textContent]).filter(([v]) => v && v !== "0"));
  assert.ok(pendampings.length > 0);
  const [pid] = pendampings[0];
  await page.goto(server.url + `/kube?pendamping_id=${pid}`);
  const theirs = await page.locator("#kube tbody tr").count();
  assert.ok(theirs > 0, "the pendamping has groups");
  // Ticked all; given to no one: the list filtered to that pendamping is then empty.
  const ids = await page.locator("input[name=kube_id]").evaluateAll((is) => is.map((i) => i.value));
  await page.check("#kube thead input[data-select-all=kube_id]");
  assert.equal(await page.locator("input[name=kube_id]:checked").count(), theirs);
  await page.selectOption("#assign select[name=pendamping_id]", "0");
  await snap(page, { path: join(shots, "kube-assign-1366.png"), fullPage: true });
  await page.click("#assign-ticked");
  await page.waitForURL(new RegExp(`/kube\\?pendamping_id=${pid}$`));
  assert.match(await page.locator(".flash").innerText(), new RegExp(`^Pendamping ditetapkan untuk ${theirs} KUBE\\.$`));
  assert.equal(await page.locator("#kube tbody tr").count(), 0);
  // And back: among those without a pendamping, the same groups ticked and given to them.
  await page.goto(server.url + "/kube?pendamping_id=0");
  for (const id of ids) await page.check(`input[name=kube_id][value="${id}"]`);
  await page.selectOption("#assign select[name=pendamping_id]", pid);
  await page.click("#assign-ticked");
  await page.waitForURL(/\/kube\?pendamping_id=0$/);
  assert.match(await page.locator(".flash").innerText(), new RegExp(`^Pendamping ditetapkan untuk ${theirs} KUBE\\.$`));
  await page.goto(server.url + `/kube?pendamping_id=${pid}`);
  assert.equal(await page.locator("#kube tbody tr").count(), theirs);
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(server.url + "/kube");
  await noSidewaysScroll(page);
  await page.context().close();
});

test("a KUBE form's member row asks the server as one types", async () => {
  const page = await as("operator");
  await page.goto(server.url + "/kube/new");
  await page.selectOption("select[name=village_code]", "32.79.04.2003");
  await page.click("main button[type=submit]");
  const offered = await page.locator("#member-candidates option").evaluateAll((os) => os.map((o) => o.value));
  assert.ok(offered.length > 0);
  const start = offered[offered.length - 1].slice(0, 5);
  const row = page.locator("input[name=member_person]").first();
  await row.fill(start);
  await page.waitForResponse((r) => r.url().includes("/persons/candidates"));
  await page.waitForTimeout(200);
  const now = await page.locator("#member-candidates option").evaluateAll((os) => os.map((o) => o.value));
  assert.ok(now.length > 0 && now.every((v) => v.toLowerCase().startsWith(start.toLowerCase())), now.join("\n"));
  assert.ok(now.every((v) => / th · .+ · NIK \d{16}$/.test(v)), "the operator reads NIKs in full");
  await page.context().close();
});

test("a draft proposal is changed before it is submitted", async () => {
  const page = await as("operator");
  await page.goto(server.url + "/proposals?state=draft");
  const drafts = page.locator("#proposals tbody a[href^='/proposals/']");
  assert.ok(await drafts.count() > 0, "the demo has drafts");
  await drafts.first().click();
  await page.waitForURL(/\/proposals\/\d+$/);
  await page.click("#edit-draft");
  await page.waitForURL(/\/proposals\/\d+\/edit$/);
  // An empty reason: refused beside its field, nothing lost.
  await page.fill("textarea[name=justification]", "");
  await page.click("main form button[type=submit]:not([name])");
  assert.ok(await page.locator("textarea[name=justification][aria-invalid=true]").isVisible());
  await page.fill("textarea[name=justification]", "Indukan tambahan untuk anggota baru");
  await page.click("main form button[type=submit]:not([name])");
  await page.waitForURL(/\/proposals\/\d+$/);
  assert.equal(await page.locator(".flash").innerText(), "Draf usulan disimpan.");
  assert.match(await page.locator("main").innerText(), /Indukan tambahan untuk anggota baru/);
  await page.context().close();
});
