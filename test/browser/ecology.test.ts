// The ecology page as a resident or an environmental officer meets it: a real `xietong serve` on a fresh
// embedded database (the first start loads the bundled air data: the national snapshots and Beijing's 12
// stations during the December 2016 heavy-pollution episode), Debian's Chromium opening /ecology. What the page
// shows is checked against the API for the same query. Screenshots land in test-artifacts/browser/.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type ServerProcess, browserJourney, expectText } from '../support/browser.ts';

type Json = Record<string, any>;

const CITY = 'beijing';
const DATE = '2016-12-20';

describe('ecology page (air quality) in Chromium against a real server', () => {

  const journey = browserJourney({
    name: 'ecology',
    stepTimeoutMs: 40000,
    setupTimeoutMs: 130_000,
    serverStartMs: 60_000,
    // The bundled air data are loaded on first start: wait until Beijing's episode day is there.
    ready: {
      what: 'the bundled air data loaded',
      check: async (api) => {
        const r = await api(`/api/air/aqi?city=${CITY}&date=${DATE}&period=hour`);
        return r.status === 200 && (r.body.items as Json[]).some((p) => typeof p.aqi === 'number');
      },
    },
  });
  const { step, shot, settled, api } = journey;
  let page: Page;
  let server: ServerProcess;
  before(() => {
    ({ page, server } = journey.opened());
  });

  step('the ecology page shows the stations on the map, coloured by AQI level', async () => {
    await page.goto(`${server!.url}/`);
    await page.getByTestId('nav-ecology').click();
    await page.waitForURL(/\/ecology$/);
    await expectText(page.locator('#page-title'), '生态环境', 'ecology heading');
    const latest = await api('/api/air/aqi/latest');
    assert.equal(latest.status, 200);
    const items = latest.body.items as Json[];
    assert.ok(items.length > 0, 'the API has stations');
    const map = page.getByTestId('eco-map');
    const first = items.find((s) => s.aqi !== null) ?? items[0]!;
    const marker = map.getByTestId(`eco-station-${first.station}`);
    await marker.waitFor({ state: 'attached' });
    assert.equal(await map.locator('[data-testid^="eco-station-"]').count(), items.length, 'one marker per station');
    const fill = await marker.locator('.map-marker-shape').first().getAttribute('fill');
    if (first.aqi !== null) assert.equal(fill?.toLowerCase(), String(first.color).toLowerCase(), `marker ${first.station} in its level colour`);
    const title = (await marker.locator('title').textContent()) ?? '';
    assert.ok(title.includes(first.name), `tooltip names the station: ${title}`);
    if (first.aqi !== null) assert.ok(title.includes(`AQI ${first.aqi}`), `tooltip gives the AQI: ${title}`);
    await expectText(page.getByTestId('eco-legend'), '严重污染', 'legend of the six levels');
  });

  step('Beijing on 2016-12-20: the hourly AQI chart shows the episode (peak above 200) and the daily value', async () => {
    await page.getByTestId('eco-city-select').selectOption(CITY);
    await page.getByTestId('eco-date').fill(DATE);
    const chart = page.getByTestId('eco-chart');
    await chart.waitFor({ state: 'visible' });
    await settled('the ecology page');
    const expected = await api(`/api/air/aqi?city=${CITY}&date=${DATE}&period=hour&standard=auto`);
    const values = (expected.body.items as Json[]).map((p) => p.aqi).filter((v): v is number => typeof v === 'number');
    const peak = Number(await chart.getAttribute('data-max'));
    assert.equal(peak, Math.max(...values), 'chart peak = API peak');
    assert.ok(peak > 200, `peak above 200, got ${peak}`);
    assert.equal(await chart.locator('circle').count(), values.length, 'one point per hourly value');
    const day = await api(`/api/air/aqi?city=${CITY}&date=${DATE}&period=day&standard=auto`);
    const daily = (day.body.items as Json[])[0];
    if (daily?.aqi != null) await expectText(page.getByTestId('eco-daily'), String(daily.aqi), 'daily AQI');
    // Accessible: the data as a table on demand.
    await page.getByTestId('eco-table-toggle').click();
    assert.equal(await page.getByTestId('eco-table').locator('tbody tr').count(), (expected.body.items as Json[]).length, 'one table row per hour');
  });

  step('the forecasts as of the end of that day: the platform baseline, as the API gives it', async () => {
    const fc = await api(`/api/air/forecasts?city=${CITY}&asOf=${encodeURIComponent('2016-12-21T00:00:00+08:00')}&from=2016-12-21`);
    assert.equal(fc.status, 200);
    assert.equal(fc.body.baseline.available, true, 'the stored episode gives a baseline');
    const expected = [...(fc.body.items as Json[]), ...(fc.body.baseline.points as Json[])];
    const rows = page.getByTestId('eco-forecast-row');
    await rows.first().waitFor({ state: 'visible' });
    assert.equal(await rows.count(), expected.length, 'one row per forecast');
    for (const f of fc.body.baseline.points as Json[]) {
      const row = rows.filter({ hasText: f.date });
      await expectText(row, String(f.aqi), `baseline for ${f.date}`);
      await expectText(row, '平台基准预报', 'the baseline is named as such');
    }
  });

  step('the rules check gives, for each rule set, the level the API evaluates at 24:00 of that day', async () => {
    for (const ruleSet of ['jjj-regional-2018', 'hebei-2024']) {
      const e = await api(`/api/air/warnings/evaluate?city=${CITY}&ruleSet=${ruleSet}&at=${encodeURIComponent('2016-12-21T00:00:00+08:00')}`);
      assert.equal(e.status, 200);
      const li = page.getByTestId(`eco-rules-${ruleSet}`);
      await li.waitFor({ state: 'visible' });
      assert.equal(await li.getAttribute('data-level'), e.body.level, `${ruleSet}: level`);
      if (e.body.level !== 'none') await expectText(li, e.body.reason.zh.slice(0, 12), `${ruleSet}: reason`);
    }
    const levels = await Promise.all(['jjj-regional-2018', 'hebei-2024'].map((r) => page.getByTestId(`eco-rules-${r}`).getAttribute('data-level')));
    assert.ok(levels.some((l) => l !== 'none'), `the December 2016 episode reaches a warning level: ${levels.join(', ')}`);
  });

  step('the warning board lists the region’s cities with their warning level', async () => {
    const board = await api('/api/air/warnings/board');
    assert.equal(board.status, 200);
    const cities = board.body.cities as Json[];
    const el = page.getByTestId('eco-board');
    await el.waitFor({ state: 'visible' });
    for (const c of cities) {
      const row = el.getByTestId(`eco-board-row-${c.cityId}`);
      await row.waitFor({ state: 'attached' });
      assert.equal(await row.getAttribute('data-level'), c.level, `${c.cityId}: level`);
    }
    if (cities.every((c) => c.level === 'none')) await expectText(page.getByTestId('eco-board-empty'), '当前无预警', 'honest empty state');
    await settled('the ecology page');
    await shot('20-ecology-zh.png');
  });

  journey.checkNothingForeign({ consoleErrors: true });
});
