// Takes the user guide's screenshots from the demo city (crates/web/guide/*.jpg, embedded
// in the binary at the next build), so the guide shows the pages as they are; then checks
// the guide is reachable from every role's menu. Also looks at the charts at 1366 and
// 390 px (e2e/screenshots).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { startServer, startBrowser, login, shots, root, YEAR, WRITES_GUIDE, openDuplicates, snap } from "./harness.mjs";

// The committed screenshots are rewritten only from a fresh demo at the fixed instant on
// SQLite; other runs write theirs beside the other screenshots.
const guide = WRITES_GUIDE ? join(root, "crates", "web", "guide") : join(shots, "guide");
const DESK = { width: 1100, height: 820 };
const PHONE = { width: 390, height: 844 };

let server, browser;
before(async () => { mkdirSync(guide, { recursive: true }); server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function as(user, viewport = DESK) {
  const ctx = await browser.newContext({ viewport, isMobile: viewport.width < 500 });
  const page = await ctx.newPage();
  await login(page, server.url, user);
  return page;
}

async function shot(page, name, target) {
  if (target) await page.locator(target).first().scrollIntoViewIfNeeded();
  await snap(page, { path: join(guide, name), type: "jpeg", quality: 70 });
}

test("the guide's screenshots are taken from the demo city", async () => {
  const anon = await browser.newPage({ viewport: DESK });
  await anon.goto(server.url + "/login");
  await anon.fill("input[name=username]", "operator");
  await shot(anon, "login.jpg");
  await anon.close();

  const op = await as("operator");
  await op.goto(server.url + "/persons/new");
  await op.fill("input[name=nik]", "3279045708920003");
  await op.locator("input[name=nik]").dispatchEvent("keyup");
  await op.fill("input[name=name]", "Siti Rahmawati");
  await op.waitForTimeout(500);
  await shot(op, "person-form.jpg");
  await op.goto(server.url + "/import");
  await shot(op, "import.jpg");
  await op.goto(server.url + "/kube/new");
  await op.selectOption("select[name=village_code]", "32.79.04.2003");
  await op.click("main button[type=submit]");
  await op.fill("input[name=name]", "KUBE Mekar Sari");
  await op.selectOption("select[name=business_type]", "makanan_olahan");
  const labels = await op.locator("#member-candidates option").evaluateAll((os) => os.slice(0, 3).map((o) => o.value));
  for (const [i, l] of labels.entries()) await op.locator("input[name=member_person]").nth(i).fill(l);
  await shot(op, "kube-form.jpg", "input[name=member_person]");
  await op.goto(server.url + "/trainings");
  await op.locator("#trainings tbody a").first().click();
  await shot(op, "training.jpg");
  await openDuplicates(op, server.url);
  await shot(op, "duplicates.jpg");
  // A proposal from a running goat group, filled from its package (not saved).
  await op.goto(server.url + "/kube?business_type=ternak_kambing&status=berjalan");
  await op.locator("#kube tbody a").first().click();
  await op.click("#new-proposal");
  await op.selectOption("select[name=package_id]", { label: "Paket ternak kambing" });
  await op.click("text=Isi dari paket");
  await op.fill("textarea[name=justification]", "Penambahan indukan kambing untuk kelompok");
  await shot(op, "proposal-form.jpg");
  await op.goto(server.url + "/proposals?state=approved");
  const approved = await op.locator("#proposals tbody a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const href of approved) {
    await op.goto(server.url + href);
    if (await op.locator("input[name=receiver]").count()) break;
  }
  await op.fill("input[name=receiver]", "Ketua KUBE");
  await op.fill("input[name=place]", "Balai Desa");
  await shot(op, "proposal-deliver.jpg", "input[name=receiver]");
  await op.context().close();

  const kabid = await as("kabid");
  await shot(kabid, "dashboard.jpg");
  await kabid.goto(server.url + "/proposals?state=verified");
  await kabid.locator("#proposals tbody a").first().click();
  await shot(kabid, "proposal-approve.jpg", "#action-approve");
  await kabid.goto(server.url + "/programmes");
  await kabid.click("text=Bantuan UEP KUBE APBD Kota " + YEAR);
  await shot(kabid, "programme.jpg", "#budget-chart");
  await kabid.goto(server.url + "/reports/kube-status");
  await shot(kabid, "report.jpg", "tr.total");
  await kabid.context().close();

  const pend = await as("pendamping.langensari", PHONE);
  await pend.goto(server.url + "/mentoring");
  await shot(pend, "mentoring.jpg");
  // A group with visits behind it (its page has a trend to show).
  const seen = pend.locator("#queue li:not(:has(.never))").first();
  const kube = await seen.locator("a").first().getAttribute("href");
  await seen.locator("a.visit-link").click();
  await pend.check("input[name=operating][value='1']");
  await pend.fill("input[name=meetings_held]", "2");
  await shot(pend, "visit-form.jpg", "input[name=revenue]");
  await pend.goto(server.url + kube);
  await shot(pend, "kube-detail.jpg", "#visit-trend");
  await pend.context().close();

  const aud = await as("auditor");
  await aud.goto(server.url + "/audit?action=approve_refused");
  await shot(aud, "audit.jpg");
  await aud.context().close();
  const admin = await as("admin");
  await admin.goto(server.url + "/users");
  await shot(admin, "users.jpg");
  await admin.context().close();
});

test("every role finds its guide in the menu, with its pictures", async () => {
  for (const [user, slug] of [["operator", "operator"], ["kabid", "kepala-bidang"], ["pendamping.pataruman", "pendamping"], ["auditor", "auditor"], ["admin", "admin"]]) {
    const page = await as(user, user.startsWith("pendamping") ? PHONE : DESK);
    if (user.startsWith("pendamping")) await page.click("details.dropdown summary");
    await page.click("a[href='/guide']:visible");
    assert.match(await page.locator("h1").innerText(), /Panduan pengguna/);
    await page.click(`a[href='/guide/${slug}']`);
    assert.ok(await page.locator(".guide-task").count() >= 2, `${slug} has its tasks`);
    for (const src of await page.locator(".guide-task img").evaluateAll((is) => is.map((i) => i.getAttribute("src")))) {
      const r = await page.request.get(server.url + src);
      assert.equal(r.status(), 200, src);
      assert.equal(r.headers()["content-type"], "image/jpeg");
    }
    await page.context().close();
  }
});

test("the charts at office and phone widths", async () => {
  for (const viewport of [{ width: 1366, height: 900 }, PHONE]) {
    const page = await as("kabid", viewport);
    await snap(page, { path: join(shots, `dashboard-${viewport.width}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= viewport.width, `dashboard fits ${viewport.width}: ${overflow}`);
    await page.goto(server.url + "/programmes");
    await page.click("text=Bantuan UEP KUBE APBD Kota " + YEAR);
    assert.equal(await page.locator("#budget-chart svg polyline").count(), 2);
    await snap(page, { path: join(shots, `programme-${viewport.width}.png`), fullPage: true });
    await page.goto(server.url + "/kube?status=berjalan");
    await page.locator("#kube tbody a").first().click();
    assert.equal(await page.locator("#visit-trend svg polyline").count(), 3);
    await snap(page, { path: join(shots, `kube-${viewport.width}.png`), fullPage: true });
    await page.goto(server.url + "/reports/kube-status");
    assert.equal(await page.locator("tr.total").count(), 5);
    await page.context().close();
  }
});
