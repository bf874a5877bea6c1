// Starts the real sikube binary on 127.0.0.1 (port chosen by the OS) with a fresh
// database and demo data, and a headless Debian chromium driven by Playwright.
// Every server gets a database of its own — a new SQLite data directory, or a new
// PostgreSQL database when SIKUBE_E2E_DATABASE_URL names a server — so no test file
// sees what another changed, whatever their order.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const shots = join(root, "e2e", "screenshots");
export const DEMO_PASSWORD = "demo-banjar-2012";
// The instant the server's clock starts at (SIKUBE_E2E_CLOCK, or a fixed one): the demo
// city and every page read the same day whenever the tests run. "system" is the machine's.
export const CLOCK = process.env.SIKUBE_E2E_CLOCK || "2026-12-06T10:00:00+07:00";
// The year of that day where the office is (UTC+7).
export const YEAR = CLOCK === "system"
  ? new Date(Date.now() + 7 * 3600e3).getUTCFullYear()
  : new Date(Date.parse(CLOCK) + 7 * 3600e3).getUTCFullYear();
// Whether this run may rewrite the guide's committed screenshots: only from a fresh demo
// on SQLite at the fixed instant (the PostgreSQL pass and other clocks leave them alone).
export const WRITES_GUIDE = !process.env.SIKUBE_E2E_DATABASE_URL && !process.env.SIKUBE_E2E_CLOCK;

let databases = 0;
// A new, empty PostgreSQL database on the server of `url`; returns its URL and how to drop it.
function freshPostgres(url) {
  const name = `sikube_e2e_${process.pid}_${++databases}`;
  const admin = new URL(url);
  execFileSync("psql", [admin.href, "-q", "-c", `CREATE DATABASE ${name}`]);
  const db = new URL(url);
  db.pathname = "/" + name;
  const drop = () => execFileSync("psql", [admin.href, "-q", "-c", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  return { url: db.href, drop };
}

export function binary() {
  if (process.env.SIKUBE_BIN) return process.env.SIKUBE_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(root, "target");
  return join(target, "debug", "sikube");
}

export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), "sikube-e2e-"));
  const args = ["serve", "--demo", "--bind", "127.0.0.1:0"];
  const env = { ...process.env, SIKUBE_DATA_DIR: dataDir, SIKUBE_CLOCK: CLOCK };
  // Browser tests run against PostgreSQL too when CI asks for it.
  let pg = null;
  if (process.env.SIKUBE_E2E_DATABASE_URL) {
    pg = freshPostgres(process.env.SIKUBE_E2E_DATABASE_URL);
    env.SIKUBE_DATABASE_URL = pg.url;
  } else delete env.SIKUBE_DATABASE_URL;
  const proc = spawn(binary(), args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + log)), 60000);
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  // The data directory goes with the server, so repeated runs do not fill the disk.
  const stop = () => new Promise((r) => { proc.once("exit", r); proc.kill("SIGTERM"); })
    .then(() => { rmSync(dataDir, { recursive: true, force: true }); pg?.drop(); });
  return { url, stop };
}

export async function startBrowser() {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
}

// The rows of a downloaded XLSX's first sheet, as text (python3's zipfile and XML reader:
// a reader that is not ours).
export function xlsxRows(path) {
  const script = `
import json, sys, zipfile, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
rows = []
for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}row" % ns["m"]):
    cells = []
    for c in row.findall("m:c", ns):
        v = c.find("m:v", ns)
        t = c.find("m:is/m:t", ns)
        if c.get("t") == "s" and v is not None:
            cells.append(shared[int(v.text)])
        elif t is not None:
            cells.append(t.text or "")
        else:
            cells.append(v.text if v is not None else "")
    rows.append(cells)
print(json.dumps(rows))
`;
  return JSON.parse(execFileSync("python3", ["-c", script, path]).toString());
}

// The text of a downloaded PDF (poppler's pdftotext).
export function pdfText(path) {
  return execFileSync("pdftotext", ["-layout", path, "-"]).toString();
}

/** Opens the duplicate review once the server's background scan has stored its pairs
 * (it runs within seconds of the server starting). */
// A screenshot once the page has loaded (a click that navigates returns before it has),
// asked again once when Chromium refuses a capture it takes a moment later
// ("Unable to capture screenshot", microsoft/playwright and robotframework-browser#5237).
export async function snap(target, options) {
  const page = typeof target.page === "function" ? target.page() : target;
  await page.waitForLoadState("load");
  try {
    return await target.screenshot(options);
  } catch (e) {
    if (!/Unable to capture screenshot/.test(String(e?.message))) throw e;
    await page.waitForTimeout(500);
    return await target.screenshot(options);
  }
}

export async function openDuplicates(page, url) {
  await page.goto(url + "/persons/duplicates");
  for (let i = 0; i < 100 && (await page.locator("#scanned-at").count()) === 0; i++) {
    await page.waitForTimeout(200);
    await page.reload();
  }
}

export async function login(page, url, username) {
  await page.goto(url + "/login");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", DEMO_PASSWORD);
  await page.click("main button[type=submit]");
  await page.waitForURL(url + "/");
}
