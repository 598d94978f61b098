/**
 * Loads the real webview bundle in headless Chromium under the page and Content-Security-Policy the
 * extension serves. The only stand-in is `acquireVsCodeApi`, which in VS Code is provided by the
 * webview host itself: here it records what the page posts and keeps its state across reloads.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webviewPage } from '../../src/host/webviewPage';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import { THEMES } from './themes';

export const REPO = path.resolve(__dirname, '..', '..');
const ORIGIN = 'https://rgp-webview.test';

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface WebviewHarness {
  page: Page;
  problems: string[];
  posted(): Promise<WebviewToHost[]>;
  send(m: HostToWebview): Promise<void>;
  waitForPosted(type: WebviewToHost['type'], count?: number): Promise<WebviewToHost[]>;
}

export async function openWebview(browser: Browser, theme: keyof typeof THEMES, width = 900, deviceScaleFactor = 1): Promise<WebviewHarness> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, deviceScaleFactor, colorScheme: theme === 'dark' ? 'dark' : 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));

  const files: Record<string, { body: Buffer; type: string }> = {
    '/dist/webview.js': { body: readFileSync(path.join(REPO, 'dist', 'webview.js')), type: 'text/javascript' },
    '/media/rgp.css': { body: readFileSync(path.join(REPO, 'media', 'rgp.css')), type: 'text/css' },
  };
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') {
      const html = webviewPage({ scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/media/rgp.css`, cspSource: ORIGIN, nonce: 'dGVzdC1ub25jZQ==', title: 'RGP' });
      return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    }
    const f = files[url.pathname];
    if (!f) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: f.type, body: f.body });
  });
  // A string, not a function: tsx's transform would wrap a function's inner helpers in `__name`,
  // which does not exist in the page.
  await page.addInitScript(`
    window.__posted = [];
    const saved = sessionStorage.getItem('rgp-state');
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__posted.push(m),
      getState: () => (saved ? JSON.parse(saved) : undefined),
      setState: (s) => sessionStorage.setItem('rgp-state', JSON.stringify(s)),
    });
    document.addEventListener('DOMContentLoaded', () => {
      for (const [k, v] of Object.entries(${JSON.stringify(THEMES[theme])})) document.documentElement.style.setProperty(k, v);
    });
  `);
  await page.goto(`${ORIGIN}/index.html`);

  const posted = () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  return {
    page,
    problems,
    posted,
    send: (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m),
    async waitForPosted(type, count = 1) {
      await page.waitForFunction(
        ([t, n]) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === t).length >= (n as number),
        [type, count] as const,
        { timeout: 10_000 },
      );
      return (await posted()).filter((m) => m.type === type);
    },
  };
}

/**
 * Fraction of a screenshot's pixels that differ clearly from its top-left pixel (the background),
 * computed by the browser itself from the PNG, so no image library is needed here.
 */
export async function inkFraction(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const [r0, g0, b0] = [d[0], d[1], d[2]];
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r0) + Math.abs(d[i + 1] - g0) + Math.abs(d[i + 2] - b0) > 60) ink++;
    return ink / (d.length / 4);
  }, png.toString('base64'));
}
