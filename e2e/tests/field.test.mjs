// The field app on a phone without signal: the caseload opens offline, visits (one with a
// photo) and a training's attendance are queued, survive closing the page, and are sent
// exactly once when the signal returns — also when the server's answer is lost.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { startServer, startBrowser, login, shots, DEMO_PASSWORD, pdfText, CLOCK, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
  geolocation: { latitude: -7.3701, longitude: 108.5402 }, permissions: ["geolocation"],
  timezoneId: "Asia/Jakarta", locale: "id-ID" };
// A phone whose calendar agrees with the server's (which runs from the tests' instant).
async function phone(options = {}) {
  const context = await browser.newContext({ ...PHONE, ...options });
  if (CLOCK !== "system") await context.clock.install({ time: new Date(CLOCK) });
  return context;
}

async function token(username) {
  const r = await fetch(server.url + "/api/v1/auth/login", { method: "POST",
    headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  return (await r.json()).token;
}
async function api(tok, path, init = {}) {
  const r = await fetch(server.url + path, { ...init, headers: { authorization: "Bearer " + tok,
    "content-type": "application/json", ...(init.headers || {}) } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
const visits = async (tok, id) => (await api(tok, `/api/v1/kube/${id}/visits`)).body;
// Today where the office is (the server's day).
const today = async (tok) => (await api(tok, "/api/v1/field/caseload")).body.today;

// A camera-sized photo (3000×2000 PNG), written by python3's zlib: not by the app.
function bigPhoto() {
  const file = join(shots, "camera.png");
  execFileSync("python3", ["-c", `
import struct, zlib, sys
w, h = 3000, 2000
row = b"\\x00" + bytes([40, 120, 60]) * w
raw = row * h
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
  + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
`, file]);
  return file;
}
// Width and height of a JPEG, from its frame header.
function jpegSize(b) {
  assert.ok(b[0] === 0xff && b[1] === 0xd8, "a JPEG");
  let i = 2;
  while (i < b.length) {
    const marker = b[i + 1];
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    i += 2 + len;
  }
  throw new Error("no frame header");
}

async function fillVisit(page, revenue) {
  const form = page.locator("article.field-form form");
  await form.locator("input[name=meetings_held]").fill("2");
  await form.locator("input[name=books_up_to_date]").check();
  await form.locator("input[name=revenue]").fill(revenue);
  await form.locator("input[name=expenses]").fill("1.500.000");
  await form.locator("input[name=savings_balance]").fill("250.000");
  await form.locator("textarea[name=problems]").fill("Pakan mahal");
  await form.locator("textarea[name=actions]").fill("Cari pakan bersama");
  return form;
}

test("a facilitator works a day without signal and the office receives it once", async () => {
  const tok = await token("pendamping.langensari");
  const load = (await api(tok, "/api/v1/field/caseload")).body;
  assert.ok(load.kube.length >= 3, "a caseload to work on");
  const groups = load.kube.slice(0, 3);
  const day = load.today;
  // A guidance event today in the kecamatan, with three members of the first group.
  const op = await token("operator");
  const ev = await api(op, "/api/v1/trainings", { method: "POST", body: JSON.stringify({
    title: "Bimbingan usaha lapangan", kind: "bimbingan_sosial", starts_on: day, ends_on: day,
    village_code: "32.79.04.2002" }) });
  assert.equal(ev.status, 201, JSON.stringify(ev.body));
  const people = groups[0].members.slice(0, 3);
  for (const p of people) {
    const r = await api(op, `/api/v1/trainings/${ev.body.id}/participants`, { method: "POST",
      body: JSON.stringify({ person_id: p.person_id }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const before = await Promise.all(groups.map((g) => visits(tok, g.id).then((v) => v.length)));

  const context = await phone();
  const page = await context.newPage();
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/field/");
  await page.waitForSelector("#field-caseload li[data-kube]");
  // Installed: the service worker controls the app and keeps its page.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.waitForSelector("#field-caseload li[data-kube]");
  const manifest = await page.evaluate(() => fetch("/field/manifest.webmanifest").then((r) => r.json()));
  assert.equal(manifest.start_url, "/field/");

  // No signal: the app opens from the phone.
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("#field-caseload li[data-kube]");
  assert.match(await page.locator("#field-status").innerText(), /Tanpa sinyal/);
  // Due this week (and overdue) first.
  const bands = await page.locator("#field-caseload ul.queue").evaluateAll((us) => us.map((u) => u.dataset.band));
  assert.deepEqual(bands, [...bands].sort((a, b) => ["overdue", "due_soon", "later"].indexOf(a) - ["overdue", "due_soon", "later"].indexOf(b)));
  await snap(page, { path: join(shots, "field-offline-390.png"), fullPage: false });

  // Three visits; the first with the phone's location and a photo from the camera.
  for (const [i, g] of groups.entries()) {
    await page.locator(`#field-caseload li[data-kube="${g.id}"] button`).click();
    const form = await fillVisit(page, "4.000.000");
    if (i === 0) {
      await form.locator("button[data-locate]").click();
      await assert.doesNotReject(page.waitForFunction(() =>
        document.querySelector("article.field-form input[name=gps]").value.startsWith("-7.37")));
      await form.locator("input[name=photo]").setInputFiles(bigPhoto());
      await snap(page.locator("article.field-form"), { path: join(shots, "field-visit-form-390.png") });
    }
    await form.locator("button[type=submit]").click();
    await page.waitForSelector("article.field-form", { state: "detached" });
  }
  // A training's attendance: two of the three present.
  await page.locator(`#field-trainings li[data-training="${ev.body.id}"] button`).click();
  const att = page.locator("article.field-form form");
  const boxes = att.locator("input[name=present]");
  assert.equal(await boxes.count(), 3);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const ticked = [+(await boxes.nth(0).getAttribute("value")), +(await boxes.nth(1).getAttribute("value"))].sort();
  await att.locator("button[type=submit]").click();
  await page.waitForSelector("article.field-form", { state: "detached" });
  await page.waitForFunction(() => document.querySelector("#field-queue-count").textContent === "5");
  await page.locator("#field-queue").scrollIntoViewIfNeeded();
  await snap(page, { path: join(shots, "field-queue-390.png"), fullPage: false });

  // Closed and opened again, still without signal: the queue is still there.
  await page.close();
  const again = await context.newPage();
  await again.goto(server.url + "/field/");
  await again.waitForSelector("#field-queue:not([hidden])");
  assert.equal(await again.locator("#field-queue-list li").count(), 5);
  for (const g of groups) {
    assert.equal((await visits(tok, g.id)).length, before[groups.indexOf(g)], "nothing sent offline");
  }

  // The signal returns: sent by itself, the queue empties.
  await context.setOffline(false);
  await again.evaluate(() => window.dispatchEvent(new Event("online")));
  await again.waitForSelector("#field-queue", { state: "hidden", timeout: 30000 });
  for (const [i, g] of groups.entries()) {
    const v = await visits(tok, g.id);
    assert.equal(v.length, before[i] + 1, `exactly one visit for ${g.name}`);
    assert.equal(v[0].revenue, 4000000);
    assert.equal(v[0].visited_on, day);
    const h = (await api(tok, `/api/v1/kube/${g.id}/health`)).body;
    assert.notEqual(h.status, "belum_dinilai", "re-assessed");
  }
  const first = (await visits(tok, groups[0].id))[0];
  assert.ok(first.gps && first.gps.startsWith("-7.37"), JSON.stringify(first));
  const detail = (await api(tok, `/api/v1/kube/${groups[0].id}`)).body;
  const t = (await api(op, `/api/v1/trainings/${ev.body.id}`)).body;
  const attended = t.participants.filter((p) => p.attended).map((p) => p.person_id).sort();
  assert.deepEqual(attended, ticked);
  assert.ok(detail, "the group reads");
  // The photo went with its visit, made small on the phone: a JPEG of 1280 px at most.
  const office = await context.newPage();
  await office.goto(server.url + `/kube/${groups[0].id}`);
  const link = office.locator("#visit-photos a").first();
  assert.match(await link.innerText(), /foto-kunjungan\.jpg/);
  const photo = await office.request.get(server.url + await link.getAttribute("href"));
  const [w, h] = jpegSize(await photo.body());
  assert.ok(Math.max(w, h) === 1280 && w > h, `resized to ${w}×${h}`);
  await office.close();
  await snap(again, { path: join(shots, "field-sent-390.png"), fullPage: false });
  await context.close();

  // At an office screen the same page reads as a list.
  const desk = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await login(desk, server.url, "pendamping.langensari");
  await desk.goto(server.url + "/field/");
  await desk.waitForSelector("#field-caseload li[data-kube]");
  await snap(desk, { path: join(shots, "field-1366.png"), fullPage: false });
  await desk.close();
});

test("a send whose answer is lost is sent again and recorded once", async () => {
  const tok = await token("pendamping.langensari");
  const g = (await api(tok, "/api/v1/field/caseload")).body.kube[5];
  const before = (await visits(tok, g.id)).length;
  // No service worker here, so the page's requests can be cut after the server answered.
  const context = await phone({ serviceWorkers: "block" });
  const page = await context.newPage();
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/field/");
  await page.waitForSelector(`#field-caseload li[data-kube="${g.id}"]`);
  await context.setOffline(true);
  await page.locator(`#field-caseload li[data-kube="${g.id}"] button`).click();
  const form = await fillVisit(page, "1.000.000");
  await form.locator("button[type=submit]").click();
  await page.waitForSelector("#field-queue:not([hidden])");
  // The server records the visit, and the connection drops before the answer arrives.
  let cut = 0;
  await page.route("**/api/v1/kube/*/visits", async (route) => {
    await route.fetch();
    cut++;
    await route.abort("connectionreset");
  }, { times: 1 });
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  for (let i = 0; i < 200 && !cut; i++) await page.waitForTimeout(50);
  assert.equal(cut, 1);
  // The app takes the cut answer as no signal: the item waits.
  await page.waitForFunction(() => /Terhubung/.test(document.querySelector("#field-status").textContent));
  assert.equal((await visits(tok, g.id)).length, before + 1, "the first send was recorded");
  assert.equal(await page.locator("#field-queue-list li").count(), 1, "its answer was lost: still waiting");
  await page.click("#field-send");
  await page.waitForSelector("#field-queue", { state: "hidden" });
  assert.equal((await visits(tok, g.id)).length, before + 1, "sent again, recorded once");
  await context.close();
});

test("an ended session keeps the queue until the facilitator logs in again", async () => {
  const context = await phone({ serviceWorkers: "block" });
  const page = await context.newPage();
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/field/");
  const li = page.locator("#field-caseload li[data-kube]").nth(7);
  const id = await li.getAttribute("data-kube");
  const tok = await token("pendamping.langensari");
  const before = (await visits(tok, id)).length;
  await context.setOffline(true);
  await li.locator("button").click();
  const form = await fillVisit(page, "900.000");
  await form.locator("button[type=submit]").click();
  await page.waitForSelector("#field-queue:not([hidden])");
  // Meanwhile the session ends (here: its cookie is gone).
  await context.clearCookies();
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.waitForSelector("#field-relogin:not([hidden])");
  assert.equal(await page.locator("#field-queue-list li").count(), 1);
  await page.click("#field-relogin a");
  await page.fill("input[name=username]", "pendamping.langensari");
  await page.fill("input[name=password]", DEMO_PASSWORD);
  await page.click("main button[type=submit]");
  await page.waitForURL(server.url + "/field/");
  await page.waitForFunction(() => /terkirim/.test(document.querySelector("#field-status").textContent));
  await page.waitForSelector("#field-queue", { state: "hidden" });
  assert.equal((await visits(tok, id)).length, before + 1);
  await context.close();
});

test("a visit to a group dissolved meanwhile is refused with the reason and kept until discarded", async () => {
  const context = await phone({ serviceWorkers: "block" });
  const page = await context.newPage();
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/field/");
  const li = page.locator("#field-caseload li[data-kube]").nth(9);
  const id = await li.getAttribute("data-kube");
  await context.setOffline(true);
  await li.locator("button").click();
  await (await fillVisit(page, "700.000")).locator("button[type=submit]").click();
  await page.waitForSelector("#field-queue:not([hidden])");
  // Meanwhile the office dissolves the group.
  const op = await token("operator");
  const r = await api(op, `/api/v1/kube/${id}`, { method: "PATCH", body: JSON.stringify({ stage: "bubar" }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  const refused = page.locator('#field-queue-list li[data-state="refused"]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /Ditolak server: .*bubar/i);
  await snap(page, { path: join(shots, "field-refused-390.png"), fullPage: false });
  // Kept across a reload; gone only when the facilitator discards it after confirming.
  await page.reload();
  await page.locator('#field-queue-list li[data-state="refused"]').waitFor();
  page.once("dialog", (d) => d.accept());
  await page.locator('#field-queue-list li[data-state="refused"] button').click();
  await page.waitForSelector("#field-queue", { state: "hidden" });
  await context.close();
});

test("the facilitator's monthly report on the phone: the plan written, the PDF printed", async () => {
  const context = await phone({ acceptDownloads: true });
  const page = await context.newPage();
  await login(page, server.url, "pendamping.langensari");
  await page.goto(server.url + "/field/");
  await page.click("a[href='/monthly']");
  await page.waitForSelector("#monthly");
  assert.match(await page.locator("#monthly-figures").innerText(), /KUBE dikunjungi/);
  await page.fill("textarea[name=plan]", "Minggu pertama: KUBE yang belum dikunjungi; dampingi pembukuan.");
  await page.click("form[action='/monthly/plan'] button[type=submit]");
  await page.waitForSelector(".flash");
  assert.match(await page.locator(".flash").innerText(), /Rencana bulan depan disimpan/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390 + 1, `the page fits the phone (scrollWidth ${width})`);
  await snap(page, { path: join(shots, "monthly-390.png"), fullPage: false });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("a[href^='/monthly.pdf']")]);
  const file = join(shots, "monthly.pdf");
  await download.saveAs(file);
  const text = pdfText(file);
  assert.match(text, /Laporan bulanan pendamping/);
  assert.match(text, /Minggu pertama: KUBE yang belum dikunjungi/);
  await context.close();
  // The head of division: the summary of all facilitators, each leading to their report.
  const desk = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await login(desk, server.url, "kabid");
  await desk.goto(server.url + "/monthly");
  const users = (await api(await token("admin"), "/api/v1/users?q=pendamping.langensari")).body;
  await desk.click(`#monthly-summary a[href$="user_id=${users.items[0].id}"]`);
  await desk.waitForSelector("#monthly");
  assert.match(await desk.locator("#monthly-plan").innerText(), /Minggu pertama/);
  await snap(desk, { path: join(shots, "monthly-1366.png"), fullPage: false });
  await desk.close();
});
