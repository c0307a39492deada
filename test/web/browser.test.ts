// The web terminal in a real browser: headless Chromium (the system's) on the real server,
// real shells on real ptys. What a person does: open the printed URL, type, open a second tab,
// reload in the middle of a flood, press Ctrl+C on `yes`, look at the session list.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FLOW_HIGH } from '../../packages/web/src/viewer.js';
import { until } from '../helpers/wait.js';
import { api, launchBrowser, login, newSession, openSession, screenLines, serversPerTest, untilScreen } from '../helpers/web.js';

const serve = serversPerTest();
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1000, height: 600 } });
});
afterEach(async () => {
  await context.close();
});

const PROMPT = /^bash-[\d.]+[#$] $/;
const lastLine = (lines: string[]): string => [...lines].reverse().find((l) => l.trim() !== '') ?? '';

/** A new page of the browser, logged in (cookie), on session `id`, connected. */
async function sessionPage(web: Awaited<ReturnType<typeof serve>>, id: string, query = ''): Promise<Page> {
  const page = await context.newPage();
  await login(page, web);
  await openSession(page, web, id, query);
  return page;
}

async function serverScreen(web: Awaited<ReturnType<typeof serve>>, id: string): Promise<string[]> {
  return ((await (await api(web, `/api/sessions/${id}/screen`)).json()) as { lines: string[] }).lines;
}

describe('web terminal in a browser', () => {
  it('lands the printed URL in a live shell, drops the token from the address bar, and shows what is typed', async () => {
    const web = await serve();
    const page = await context.newPage();
    await page.goto(web.url);
    await page.waitForFunction(() => (window as any).nativePtyWeb?.connected === true);
    expect(page.url()).toMatch(new RegExp(`^${web.origin}/s/[A-Za-z0-9_-]+$`));
    await untilScreen(page, (l) => PROMPT.test(lastLine(l)), 'the prompt');
    await page.keyboard.type('echo hi-$((6*7))\n');
    await untilScreen(page, (l) => l.includes('hi-42'), 'the answer');
    expect(web.hub.list()).toHaveLength(1);
  });

  it('shows one session the same in two pages, and a late page gets the screen at once', async () => {
    const web = await serve();
    const id = await newSession(web);
    const a = await sessionPage(web, id);
    await a.keyboard.type('for i in 1 2 3; do echo "row $i"; done\n');
    await untilScreen(a, (l) => l.includes('row 3') && PROMPT.test(lastLine(l)), 'the rows in page a');
    const b = await context.newPage();
    await openSession(b, web, id);
    await untilScreen(b, (l) => l.includes('row 3'), 'the rows in page b (from the snapshot)');
    await b.keyboard.type('echo from-b\n');
    await untilScreen(a, (l) => l.includes('from-b') && PROMPT.test(lastLine(l)), 'page b\'s input in page a');
    await untilScreen(b, (l) => PROMPT.test(lastLine(l)), 'the prompt in page b');
    expect(await screenLines(b)).toEqual(await screenLines(a));
  });

  it('shows the right screen after a reload and after a dropped connection in the middle of a flood', async () => {
    const web = await serve();
    const id = await newSession(web);
    const page = await sessionPage(web, id);
    await page.keyboard.type('seq 1 400000; echo flood-done\n');
    await untilScreen(page, (l) => l.some((x) => /^\d{3,}$/.test(x)), 'the flood');
    await page.reload();
    await page.waitForFunction(() => (window as any).nativePtyWeb?.connected === true);
    await page.evaluate(() => (window as any).nativePtyWeb.dropConnection());
    await untilScreen(page, (l) => l.includes('flood-done') && PROMPT.test(lastLine(l)), 'the end of the flood', 60_000);
    await until(() => true);
    expect(await screenLines(page)).toEqual(await serverScreen(web, id));
    expect(await screenLines(page)).toContain('400000');
  });

  it('stops `yes` on screen soon after Ctrl+C: little is in flight between the pty and the page', async () => {
    const web = await serve();
    const id = await newSession(web);
    const page = await sessionPage(web, id);
    await page.keyboard.type('yes\n');
    await untilScreen(page, (l) => l.filter((x) => x === 'y').length > 10, 'the flood of y');
    await new Promise((r) => setTimeout(r, 500)); // flow control in its steady state
    // Where the page was when the server got the Ctrl+C (observed, not changed).
    const session = web.hub.get(id)!;
    let pageOffsetAtKey: Promise<number> | null = null;
    const input = session.input.bind(session);
    session.input = (viewer, data) => {
      if (data.includes('\x03') && !pageOffsetAtKey) pageOffsetAtKey = page.evaluate(() => (window as any).nativePtyWeb.offset as number);
      input(viewer, data);
    };
    const pressed = Date.now();
    await page.keyboard.press('Control+C');
    await untilScreen(page, (l) => PROMPT.test(lastLine(l)), 'the prompt after Ctrl+C', 10_000);
    const stoppedMs = Date.now() - pressed;
    const afterKey = (await page.evaluate(() => (window as any).nativePtyWeb.offset as number)) - (await pageOffsetAtKey!);
    console.log(`yes + Ctrl+C: prompt on screen after ${stoppedMs} ms; ${afterKey} bytes reached the page after the server got the key`);
    // In flight: the viewer's window (FLOW_HIGH), the mirror's, the paused pty's buffer and the
    // kernel's. Before flow control held the pty on the page's lag it was over 1.3 MB. Time
    // is measured by npm run bench:web (target 500 ms); here only a bound that catches hangs.
    expect(afterKey).toBeLessThan(FLOW_HIGH + 512 * 1024);
    expect(stoppedMs).toBeLessThan(5000);
    const settled = await screenLines(page);
    await new Promise((r) => setTimeout(r, 300));
    expect(await screenLines(page)).toEqual(settled); // Nothing more arrives.
  });

  it('gives a read-only page the screen but not the keyboard', async () => {
    const web = await serve();
    const id = await newSession(web);
    const page = await sessionPage(web, id, '?view=readonly');
    expect(await page.locator('#mode').textContent()).toBe('read-only');
    await page.keyboard.type('echo typed-by-a-watcher\n');
    const writer = await context.newPage();
    await openSession(writer, web, id);
    await writer.keyboard.type('echo typed-by-the-owner\n');
    await untilScreen(page, (l) => l.includes('typed-by-the-owner'), 'the owner\'s output at the watcher');
    expect((await serverScreen(web, id)).join('\n')).not.toContain('typed-by-a-watcher');
  });

  it('sizes the session to the latest active page', async () => {
    const web = await serve();
    const id = await newSession(web);
    const big = await context.newPage();
    await login(big, web);
    await big.setViewportSize({ width: 1200, height: 700 });
    await openSession(big, web, id);
    const small = await context.newPage();
    await small.setViewportSize({ width: 500, height: 400 });
    await openSession(small, web, id);
    const size = () => web.hub.get(id)!.summary();
    await small.keyboard.type('x');
    await until(() => size().cols < 70, 5000, 'the small page to size the session');
    const smallCols = size().cols;
    await big.keyboard.type('y');
    await until(() => size().cols > smallCols + 30, 5000, 'the big page to size it back');
    await untilScreen(small, () => true, 'nothing');
    expect(await small.evaluate(() => (window as any).nativePtyWeb.term.cols)).toBe(size().cols);
  });

  it('lists sessions with their activity and AI CLI status line; starts and ends them', async () => {
    const web = await serve();
    const id = await newSession(web);
    const page = await sessionPage(web, id);
    await page.keyboard.type(`node ${process.cwd()}/test/fixtures/activity/spinner.mjs 400\n`);
    const list = await context.newPage();
    await list.goto(`${web.origin}/sessions`);
    const row = list.locator(`tr[data-id="${id}"]`);
    await row.locator('.status-line', { hasText: 'Crafting' }).waitFor({ timeout: 10_000 });
    expect(await row.locator('.state').textContent()).toBe('busy');
    await list.screenshot({ path: `${process.env.WEB_SCREENSHOTS ?? '/tmp'}/sessions.png` }).catch(() => {});

    await list.click('#new-session');
    await list.waitForURL(/\/s\//);
    await list.waitForFunction(() => (window as any).nativePtyWeb?.connected === true);
    expect(web.hub.list()).toHaveLength(2);
    await list.goto(`${web.origin}/sessions`);
    await list.locator(`tr[data-id="${id}"] button`).click();
    await list.locator(`tr[data-id="${id}"] .state`, { hasText: /ended|exited/ }).waitFor({ timeout: 10_000 });
    expect(web.hub.get(id)!.summary().exited).toBe(true);
  });
});

describe('web terminal in a browser: what is refused', () => {
  it('shows nothing to a page without the token or with a wrong one', async () => {
    const web = await serve();
    const id = await newSession(web);
    const page = await context.newPage();
    const response = await page.goto(`${web.origin}/s/${id}`);
    expect(response!.status()).toBe(401);
    expect(await page.locator('#terminal').count()).toBe(0);
    expect((await page.goto(`${web.origin}/?token=not-the-token`))!.status()).toBe(401);
    expect(web.hub.list()).toHaveLength(1);
  });

  it('refuses a WebSocket and a POST from a page of another origin, though the browser sends the cookie', async () => {
    const web = await serve();
    const id = await newSession(web);
    const evil: Server = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const page = await context.newPage();
      await login(page, web); // The browser holds the cookie, as a user of the terminal would.
      await page.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      const outcome = await page.evaluate(
        (target) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(target);
            ws.onopen = () => resolve('open');
            ws.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        `${web.origin.replace('http', 'ws')}/ws/${id}`,
      );
      expect(outcome).toBe('closed 1006');
      await page.evaluate((target) => fetch(target, { method: 'POST', mode: 'no-cors' }).catch(() => {}), `${web.origin}/api/sessions`);
      expect(web.hub.list()).toHaveLength(1);
    } finally {
      evil.close();
    }
  });
});
