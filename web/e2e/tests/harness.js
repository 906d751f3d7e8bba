// Test harness: builds and starts the server under test, launches the machine's Chromium
// headless with a fresh profile per user, and records browser errors (CSP violations
// included) so a test can fail on any of them.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '..', '..', '..');
export const hostile = '<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>';
export const password = role => role + '-password-e2e';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// startServer builds web/e2e/server and runs it; NHI_E2E_FAKE=1 selects the fake API.
export async function startServer(work) {
  const bin = join(work, 'e2e-server');
  execFileSync('go', ['build', '-o', bin, './web/e2e/server'], { cwd: repo, stdio: 'inherit' });
  const args = process.env.NHI_E2E_FAKE === '1' ? ['-fake'] : [];
  const proc = spawn(bin, args, { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('server did not start in 90 s: ' + out)), 90_000);
    proc.stdout.on('data', d => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.on('exit', code => { clearTimeout(timer); fail(new Error('server exited with ' + code + ': ' + out)); });
  });
  return { url, stop: () => proc.kill('SIGINT') };
}

// Browser is one user's headless Chromium with its own fresh profile.
export class Browser {
  static async open(work, name) {
    const profile = mkdtempSync(join(work, 'profile-' + name + '-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: chromiumArgs,
      viewport: { width: 1280, height: 900 },
    });
    const b = new Browser();
    b.ctx = ctx;
    b.errors = [];
    b.page = ctx.pages()[0] || await ctx.newPage();
    b.page.on('console', m => { if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) b.errors.push(m.text()); });
    b.page.on('pageerror', e => b.errors.push(String(e)));
    b.page.setDefaultTimeout(10_000);
    return b;
  }

  async close() { await this.ctx.close(); }
}

// workdir makes a temporary directory removed at exit, and the screenshots directory
// (kept: NHI_E2E_SCREENSHOTS or a new temporary directory).
export function workdir() {
  const work = mkdtempSync(join(tmpdir(), 'nhi-e2e-'));
  const shots = process.env.NHI_E2E_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'nhi-e2e-screenshots-'));
  mkdirSync(shots, { recursive: true });
  return { work, shots, cleanup: () => rmSync(work, { recursive: true, force: true, maxRetries: 3 }) };
}
