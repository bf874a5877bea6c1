import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, startBrowser, login, shots, snap } from "./harness.mjs";

let server, browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const people = [
  ["Tester Asep Cahyadi", "L", "01"], ["Tester Euis Marlina", "P", "02"], ["Tester Dadang Sunarya", "L", "03"],
  ["Tester Imas Rohimah", "P", "04"], ["Tester Ujang Rukmana", "L", "05"],
];

async function registerPerson(page, [name, sex, day], i) {
  await page.goto(server.url + "/persons/new");
  const dd = sex === "P" ? String(Number(day) + 40) : day;
  await page.fill("input[name=nik]", `327904${dd}0190${String(9001 + i)}`);
  await page.fill("input[name=name]", name);
  await page.check(`input[name=sex][value=${sex}]`);
  await page.fill("input[name=birth_date]", `1990-01-${day}`);
  await page.selectOption("select[name=village_code]", "32.79.04.2003");
  await page.check("input[name=categories][value=fakir_miskin]");
  await page.click("main button[type=submit]");
  if (await page.locator("#duplicate-warning").count()) {
    await page.check("input[name=confirm_duplicate]");
    await page.click("main button[type=submit]");
  }
  await page.waitForURL(/\/persons\/\d+$/);
  return Number(page.url().split("/").pop());
}

test("an operator registers five persons and forms a KUBE, then finds it by a member's name", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await login(page, server.url, "operator");
  const ids = [];
  for (const [i, p] of people.entries()) ids.push(await registerPerson(page, p, i));
  assert.match(await page.locator(".flash").innerText(), /terdaftar/);
  await snap(page, { path: join(shots, "person-detail-390.png"), fullPage: true });

  // A wrong sex for the NIK is refused next to the field.
  await page.goto(server.url + "/persons/new");
  await page.fill("input[name=nik]", "3279040101909999");
  await page.fill("input[name=name]", "Salah Kelamin");
  await page.check("input[name=sex][value=P]");
  await page.fill("input[name=birth_date]", "1990-01-01");
  await page.selectOption("select[name=village_code]", "32.79.04.2003");
  await page.click("main button[type=submit]");
  assert.match(await page.locator("#error-sex").innerText(), /tidak sesuai dengan NIK/);

  await page.goto(server.url + "/kube/new");
  await page.selectOption("select[name=village_code]", "32.79.04.2003");
  await page.click("main button[type=submit]");
  await page.fill("input[name=name]", "KUBE Uji Peramban");
  await page.selectOption("select[name=business_type]", "makanan_olahan");
  await page.fill("input[name=formed_on]", "2012-05-14");
  // Each member row is typed and picked from the one list of candidates.
  const persons = page.locator("input[name=member_person]");
  // Five rows to begin with; each picked by its NIK from the list, which shows age and village.
  assert.equal(await persons.count(), 5);
  // All labels read before typing: typing in a row narrows the shared list (htmx) to
  // what that row matches.
  const labels = [];
  for (const [i, [, sex, day]] of people.entries()) {
    const dd = sex === "P" ? String(Number(day) + 40) : day;
    const nik = `327904${dd}0190${String(9001 + i)}`;
    const label = await page.locator(`#member-candidates option[value$="NIK ${nik}"]`).getAttribute("value");
    assert.match(label, / · \d+ th · Waringinsari · NIK /);
    labels.push(label);
  }
  for (const [i, label] of labels.entries()) await persons.nth(i).fill(label);
  await snap(page, { path: join(shots, "kube-form-390.png"), fullPage: true });
  await page.click("main form[method=post] button[type=submit]:not(#more-rows)");
  await page.waitForURL(/\/kube\/\d+$/);
  assert.match(await page.locator(".flash").innerText(), /KUBE-3279-2012-\d{4}/);
  assert.equal(await page.locator("#member-count").innerText(), "5");
  await snap(page, { path: join(shots, "kube-detail-390.png"), fullPage: true });

  await page.goto(server.url + "/kube");
  await page.fill("input[name=q]", "Imas Rohimah");
  await page.click("main form button[type=submit]");
  assert.match(await page.locator("#kube").innerText(), /KUBE Uji Peramban/);
  const rows = await page.locator("#kube tbody tr").count();
  assert.equal(rows, 1);
  await page.close();
});

test("the demo city has its 150 KUBE (and the one formed above), most in Langensari", async () => {
  const page = await browser.newPage();
  await login(page, server.url, "kabid");
  await page.goto(server.url + "/kube");
  const all = await page.locator(".pager small").innerText();
  const total = Number(all.match(/dari (\d+)/)[1]);
  // The file's own database: the demo's 150 and the one the first test formed.
  assert.equal(total, 151, `total ${total}`);
  await page.goto(server.url + "/kube?district_code=32.79.04");
  const lang = Number((await page.locator(".pager small").innerText()).match(/dari (\d+)/)[1]);
  for (const d of ["32.79.01", "32.79.02", "32.79.03"]) {
    await page.goto(server.url + "/kube?district_code=" + d);
    const n = Number((await page.locator(".pager small").innerText()).match(/dari (\d+)/)[1]);
    assert.ok(lang > n, `Langensari ${lang} > ${d} ${n}`);
  }
  await snap(page, { path: join(shots, "kube-list.png"), fullPage: false });
  await page.close();
});

test("a NIK typed in groups fills sex and birth date, written day first, and says when it is registered", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await login(page, server.url, "operator");
  await page.goto(server.url + "/persons/new");
  assert.equal(await page.getAttribute("input[name=birth_date]", "type"), "text", "not the browser's date picker");
  assert.equal(await page.getAttribute("input[name=birth_date]", "placeholder"), "HH-BB-TTTT");
  await page.fill("input[name=nik]", "3279 0457 0888 0007");
  await page.waitForSelector("#nik-hint [data-birth]");
  assert.equal(await page.inputValue("input[name=birth_date]"), "17-08-1988");
  assert.ok(await page.isChecked("input[name=sex][value=P]"));
  await page.fill("input[name=name]", "Tester Nining Kurniasih");
  await page.selectOption("select[name=village_code]", "32.79.04.2003");
  await page.click("main button[type=submit]");
  await page.waitForURL(/\/persons\/\d+$/);
  const id = page.url().split("/").pop();
  assert.match(await page.locator("main").innerText(), /3279045708880007/);
  // The same NIK again: the hint says it is registered, with the person's page.
  await page.goto(server.url + "/persons/new");
  await page.fill("input[name=nik]", "3279.0457.0888.0007");
  await page.waitForSelector("#nik-registered");
  assert.equal(await page.getAttribute("#nik-registered a", "href"), `/persons/${id}`);
  await snap(page, { path: join(shots, "person-form-registered-390.png") });
  await page.close();
});
