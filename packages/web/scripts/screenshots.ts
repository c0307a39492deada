/**
 * The README's screenshots: a session page and the session list, taken in headless Chromium
 * from a real server with real shells (one running an AI-CLI-like status line).
 *   npx tsx packages/web/scripts/screenshots.ts [outDir]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startWebTerminal } from '../src/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const outDir = process.argv[2] ?? path.join(here, '..', 'docs');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const web = await startWebTerminal({ port: 0, shell: '/bin/bash', shellArgs: ['--norc', '--noprofile'], cwd: root, controlDir: null });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 560 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(web.url);
  await page.waitForFunction(() => (window as any).nativePtyWeb?.connected === true);
  await page.keyboard.type("PS1='\\[\\e[32m\\]you@host\\[\\e[0m\\]:\\[\\e[34m\\]\\w\\[\\e[0m\\]$ '; clear\n");
  await sleep(300);
  await page.keyboard.type('ls --color=always -p packages/web\n');
  await page.keyboard.type('seq 1 100000 | tail -n 3 && echo "every byte, in order"\n');
  await sleep(800);
  await page.screenshot({ path: path.join(outDir, 'session.png') });

  // A second session drawing a Claude Code-like status line, for the list.
  const agent = await context.newPage();
  await agent.goto(`${web.origin}/sessions`);
  await agent.click('#new-session');
  await agent.waitForFunction(() => (window as any).nativePtyWeb?.connected === true);
  await agent.keyboard.type(`node ${root}/test/fixtures/activity/spinner.mjs 2000\n`);
  const list = await context.newPage();
  await list.goto(`${web.origin}/sessions`);
  await list.locator('.status-line', { hasText: 'Crafting' }).waitFor({ timeout: 10_000 });
  await sleep(1500); // the first shell falls idle
  await list.screenshot({ path: path.join(outDir, 'sessions.png') });
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await web.close();
}
