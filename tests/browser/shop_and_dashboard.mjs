// Browser test: recd's demo shop and dashboard in Debian's Chromium, driven by playwright-core.
// Usage: node shop_and_dashboard.mjs BASE_URL SCREENSHOT_DIR
// The shop: two product clicks must change the "recommended for you" strip through the event
// stream, without a reload, each item with a reason. The dashboard: the charts draw, and the
// inspector shows a shopper's history.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
});
const failures = [];
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${e.message}`);
  }
}

const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('pageerror', e => failures.push(`page error: ${e.message}`));

await step('the shop shows products and a live recommendation strip', async () => {
  await page.goto(`${base}/shop?user=browser-shopper`);
  await page.waitForSelector('#grid .card');
  await page.waitForFunction(() => window.recdShop.lists >= 1);
  await page.screenshot({ path: `${shots}/shop-start.png`, fullPage: true });
});

await step('two clicks change the strip without a reload, with reasons', async () => {
  const loadedAt = await page.evaluate(() => window.recdShop.loadedAt);
  const before = await page.getAttribute('#recommended', 'data-list-id');
  const firstItems = await page.$$eval('#recommended .card', cards => cards.map(c => c.dataset.item));
  const grid = await page.$$('#grid .card');
  assert.ok(grid.length >= 2, 'the grid has at least two products');
  await grid[0].click();
  await page.waitForSelector('#product:not([hidden])');
  await page.waitForSelector('#similar .card');
  await page.click('#grid .card >> nth=1');
  await page.waitForFunction(prev => document.querySelector('#recommended').dataset.listId !== prev, before, { timeout: 10000 });
  const after = await page.$$eval('#recommended .card', cards => cards.map(c => ({ item: c.dataset.item, reason: c.querySelector('.reason')?.textContent || '' })));
  assert.ok(after.length > 0, 'the strip has items');
  assert.notDeepEqual(after.map(a => a.item), firstItems, 'the strip changed');
  for (const a of after) assert.ok(a.reason.length > 0, `item ${a.item} shows a reason`);
  assert.ok(after.some(a => a.reason.startsWith('because you viewed')), 'a reason names a viewed product');
  assert.equal(await page.evaluate(() => window.recdShop.loadedAt), loadedAt, 'no reload');
  await page.screenshot({ path: `${shots}/shop-after-clicks.png`, fullPage: true });
});

await step('the dashboard draws its charts', async () => {
  await page.goto(`${base}/dashboard`);
  await page.waitForFunction(() => Number(document.querySelector('#events-chart').dataset.points || 0) >= 2, null, { timeout: 10000 });
  const points = await page.getAttribute('#events-chart polyline', 'points');
  assert.ok(points && points.split(' ').length >= 2, 'the events chart has a line');
  await page.waitForSelector('#models tbody tr');
  await page.waitForSelector('#webhooks tbody tr');  // the run script registers one
  assert.equal(await page.textContent('#webhooks tbody tr td:nth-child(3)'), 'price_drop, back_in_stock');
});

await step('the inspector shows a shopper\'s history, candidates and final list', async () => {
  await page.fill('#inspect-user', 'browser-shopper');
  await page.click('#inspect-form button');
  await page.waitForSelector('#history tbody tr');
  const events = await page.$$eval('#history tbody tr', rows => rows.map(r => r.children[1].textContent));
  assert.ok(events.filter(e => e === 'view').length >= 2, 'the two views are in the history');
  await page.waitForSelector('#final tbody tr');
  await page.waitForSelector('#sources table tbody tr');
  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`all browser checks passed; screenshots in ${shots}`);
