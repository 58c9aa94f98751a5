// Drives the gateway's GraphiQL page in Debian's headless Chromium, as a person would use it:
// open the page, wait for the IDE, put a query in the editor, press run, read the result pane.
//
//   node graphiql.mjs <graphql url> <expected text> <screenshot.png>
//
// Exits 0 when the result pane shows <expected text>, having saved a screenshot; otherwise
// prints why on stderr, saves what the page showed if it can, and exits 1. Every run is
// bounded by TIMEOUT_MS. The page must load from its own origin only: any request to another
// host (a CDN) fails the run, since the local-asset playground is what is under test and this
// machine's network is closed anyway.
//
// playwright-core downloads no browser: it drives the system's Chromium (CHROMIUM_PATH,
// default Debian's /usr/bin/chromium) with a fresh profile that is removed afterwards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const QUERY = '{ products(first: 2) { name } }';
const TIMEOUT_MS = 60_000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags Chromium phones home at start, and on a closed
// network those connections are refused.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const [url, expected, screenshot] = process.argv.slice(2);
if (!url || !expected || !screenshot) {
  console.error('usage: node graphiql.mjs <graphql url> <expected text> <screenshot.png>');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'tessera-graphiql-'));
let context;
let page;
const problems = [];
let finishing = false;

// Reports, saves what the page showed on failure, closes Chromium, removes its profile and
// exits; only the first call (the deadline or the run) does so.
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(`graphiql.mjs: ${message}`);
  if (code !== 0 && problems.length > 0) {
    console.error(`graphiql.mjs: the page reported:\n  ${problems.join('\n  ')}`);
  }
  if (code !== 0 && page) {
    await page.screenshot({ path: screenshot, timeout: 5_000 }).then(
      () => console.error(`graphiql.mjs: screenshot of the failure: ${screenshot}`),
      () => {},
    );
  }
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(code);
}

const deadline = setTimeout(() => {
  finish(1, `timed out after ${TIMEOUT_MS / 1000} s`);
}, TIMEOUT_MS);

try {
  const origin = new URL(url).origin;
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 720 },
    timeout: TIMEOUT_MS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT_MS);

  const foreign = [];
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith('data:') && new URL(target).origin !== origin) foreign.push(target);
  });
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  // An uncaught error on the page fails the run at once, not at the deadline.
  let pageFailed;
  const pageFailure = new Promise((_, reject) => {
    pageFailed = reject;
  });
  pageFailure.catch(() => {});
  page.on('pageerror', (error) => {
    problems.push(`script error: ${error.message}`);
    pageFailed(new Error(`a script on the page failed: ${error.message}`));
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });

  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || response.status() !== 200) {
    await finish(1, `GET ${url} answered ${response?.status() ?? 'nothing'}`);
  }
  const editor = '.graphiql-query-editor .CodeMirror';
  await Promise.race([page.waitForSelector(editor, { state: 'visible' }), pageFailure]);

  // CodeMirror's own API, not keystrokes: its bracket auto-closing and hints would mangle
  // typed text. The check below reads back what the editor holds.
  const held = await page.evaluate(
    ([selector, query]) => {
      const cm = document.querySelector(selector).CodeMirror;
      cm.setValue(query);
      return cm.getValue();
    },
    [editor, QUERY],
  );
  if (held !== QUERY) await finish(1, `the editor holds ${JSON.stringify(held)}, not the query`);

  await page.click('.graphiql-execute-button');
  // What is rendered in the result pane, as a person sees it: wait for an answer, then
  // judge it, so a wrong answer fails at once with its text rather than at the deadline.
  await Promise.race([
    page.waitForFunction(() =>
      /"(data|errors)"/.test(document.querySelector('.graphiql-response')?.innerText ?? ''),
    ),
    pageFailure,
  ]);
  const result = await page.evaluate(() => document.querySelector('.graphiql-response').innerText);
  await page.screenshot({ path: screenshot });
  if (!result.includes(expected)) {
    await finish(1, `the result pane does not show ${JSON.stringify(expected)}:\n${result}`);
  }

  if (foreign.length > 0) {
    await finish(1, `the page requested other hosts:\n  ${foreign.join('\n  ')}`);
  }
  if (problems.length > 0) await finish(1, 'the page reported errors');
  clearTimeout(deadline);
  console.log(`graphiql.mjs: the result pane shows ${JSON.stringify(expected)}:\n${result}`);
  await finish(0);
} catch (error) {
  await finish(1, error.message);
}
