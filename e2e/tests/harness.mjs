// Starts the real sikube binary on 127.0.0.1 (port chosen by the OS) with a fresh
// data directory and demo data, and a headless Debian chromium driven by Playwright.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
export const shots = join(root, "e2e", "screenshots");
export const DEMO_PASSWORD = "demo-banjar-2012";

export function binary() {
  if (process.env.SIKUBE_BIN) return process.env.SIKUBE_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(root, "target");
  return join(target, "debug", "sikube");
}

export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), "sikube-e2e-"));
  const args = ["serve", "--demo", "--bind", "127.0.0.1:0"];
  const env = { ...process.env, SIKUBE_DATA_DIR: dataDir };
  // Browser tests run against PostgreSQL too when CI asks for it.
  if (process.env.SIKUBE_E2E_DATABASE_URL) env.SIKUBE_DATABASE_URL = process.env.SIKUBE_E2E_DATABASE_URL;
  else delete env.SIKUBE_DATABASE_URL;
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
    .then(() => rmSync(dataDir, { recursive: true, force: true }));
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

export async function login(page, url, username) {
  await page.goto(url + "/login");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", DEMO_PASSWORD);
  await page.click("main button[type=submit]");
  await page.waitForURL(url + "/");
}
