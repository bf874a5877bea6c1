import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, openDuplicates, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("an operator reviews duplicate persons on a phone, dismisses one pair and merges another", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(page, server.url, "operator");
  await page.goto(server.url + "/persons");
  await page.click("#duplicates-link");
  await page.waitForURL(/\/persons\/duplicates$/);
  await openDuplicates(page, server.url);
  const pairs = page.locator("article.pair");
  const before = await pairs.count();
  assert.ok(before >= 2, `demo has duplicates to review (${before})`);
  assert.match(await pairs.first().innerText(), /tanggal lahir sama/);
  await snap(page, { path: join(shots, "duplicates-390.png") });

  // Not the same person: the pair leaves the list and stays away.
  const dismissed = await pairs.nth(1).getAttribute("data-a");
  await pairs.nth(1).locator("button", { hasText: "Bukan orang yang sama" }).click();
  await page.waitForURL(/\/persons\/duplicates$/);
  assert.match(await page.locator(".flash").innerText(), /bukan orang yang sama/);
  assert.equal(await pairs.count(), before - 1);
  assert.equal(await page.locator(`article.pair[data-a="${dismissed}"]`).count(), 0);

  // Merge: a confirmation page shows both records; keep the first.
  const first = pairs.first();
  const keep = await first.getAttribute("data-a");
  const retire = await first.getAttribute("data-b");
  await first.locator("a", { hasText: "Gabungkan" }).click();
  await page.waitForURL(/\/persons\/merge\?/);
  assert.match(await page.locator("main").innerText(), /dipensiunkan/);
  await snap(page, { path: join(shots, "merge-confirm-390.png"), fullPage: true });
  await page.click(`#keep-${keep}`);
  await page.waitForURL(new RegExp(`/persons/${keep}$`));
  assert.match(await page.locator(".flash").innerText(), /Data digabung/);

  // The retired record points at the kept one and can no longer be edited.
  await page.goto(server.url + `/persons/${retire}`);
  assert.match(await page.locator("#merged-banner").innerText(), new RegExp(`#${keep}`));
  assert.equal(await page.locator(`a[href="/persons/${retire}/edit"]`).count(), 0);
  await page.goto(server.url + "/persons/duplicates");
  assert.equal(await pairs.count(), before - 2);
  await page.close();
});
