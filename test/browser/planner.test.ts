// The journey planner as a traveller meets it: a real `xietong serve` on a fresh embedded database (the first
// start imports the bundled illustrative feeds cr-hsr and cr-intercity from data/jjj), Debian's Chromium
// searching Shijiazhuang → Beijing West in Chinese (characters, then pinyin initials) and in English. What the
// page shows is checked against GET /api/transit/plan for the same query, fetched here. Screenshots land in
// test-artifacts/browser/ for a human to look at.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Request } from 'playwright-core';
import { type ServerProcess, browserJourney, expectAttribute, expectText } from '../support/browser.ts';

type Json = Record<string, any>;

const DATE = '2026-10-14';
const TIME = '07:00';
const NOTICE_ZH = '示意时刻表，依据公开报道的运行时间编制';
const NOTICE_EN = /illustrative schedule built from published travel times/i;

describe('journey planner in Chromium against a real server', () => {

  /** The itineraries of the first (Chinese) search, to compare the later ones with. */
  let firstSearch: Json[] = [];

  const journey = browserJourney({
    name: 'planner',
    stepTimeoutMs: 40000,
    setupTimeoutMs: 130_000,
    serverStartMs: 60_000,
    // The bundled feeds are imported on first start: wait until the station search knows Beijing West.
    ready: {
      what: 'the bundled network searchable',
      check: async (api) => {
        const r = await api('/api/transit/stops?q=bjx&limit=10');
        return r.status === 200 && (r.body.items as Json[]).some((s) => s.name === '北京西');
      },
    },
  });
  const { step, shot, settled, api } = journey;
  let page: Page;
  let server: ServerProcess;
  before(() => {
    ({ page, server } = journey.opened());
  });

  /** Types into a station field key by key (as a person does: the suggestions are debounced). */
  const typeStation = async (testId: string, text: string) => {
    const input = page.getByTestId(testId);
    await input.fill('');
    await input.pressSequentially(text, { delay: 40 });
  };

  /** The suggestions now shown, as text. */
  const suggestions = async (): Promise<string[]> => {
    await page.getByTestId('planner-suggestion-0').waitFor({ state: 'visible' });
    return (await page.locator('[data-testid^="planner-suggestion-"]').allTextContents()).map((s) => s.trim());
  };

  /** Clicks search and returns the plan request the page made, once its answer is on screen. */
  const search = async (): Promise<URL> => {
    const [req] = await Promise.all([
      page.waitForRequest((r: Request) => new URL(r.url()).pathname === '/api/transit/plan'),
      page.getByTestId('planner-search').click(),
    ]);
    const res = await req.response();
    assert.equal(res?.status(), 200, `plan request ${req.url()} answered ${res?.status()}`);
    await page.locator('[data-testid="planner-result-0"], [data-testid="planner-empty"]').first().waitFor({ state: 'visible' });
    await settled('the planner results');
    return new URL(req.url());
  };

  const hhmm = (iso: string) => iso.slice(11, 16);

  /**
   * Every card and every leg on screen against the API's answer to the same query: the same journeys in
   * the same order, leaving and arriving at the same times, with the same number of transfers.
   */
  const compareWithApi = async (sent: URL, transfersText: (n: number) => string): Promise<Json[]> => {
    const expected = await api(`/api/transit/plan${sent.search}`);
    assert.equal(expected.status, 200, `GET /api/transit/plan${sent.search}: ${JSON.stringify(expected.body)}`);
    const its = expected.body.itineraries as Json[];
    assert.ok(its.length > 0, 'the API finds at least one journey');
    assert.equal(await page.locator('[data-testid^="planner-result-"][data-selected]').count(), its.length, 'one card per itinerary of the API');
    for (const [n, it] of its.entries()) {
      const card = page.getByTestId(`planner-result-${n}`);
      const legs = it.legs as Json[];
      const first = legs[0]!;
      const last = legs[legs.length - 1]!;
      assert.equal(await card.getByTestId(`planner-result-${n}-departure`).locator('time').textContent(), hhmm(first.departureAt), `journey ${n}: departure`);
      assert.equal(await card.getByTestId(`planner-result-${n}-arrival`).locator('time').textContent(), hhmm(last.arrivalAt), `journey ${n}: arrival`);
      assert.equal((await card.getByTestId(`planner-result-${n}-transfers`).textContent())?.trim(), transfersText(it.transfers as number), `journey ${n}: transfers`);
      for (const [k, leg] of legs.entries()) {
        const row = card.getByTestId(`planner-leg-${n}-${k}`);
        await row.waitFor({ state: 'attached' });
        if (leg.mode === 'WALK') continue;
        assert.equal(await row.getByTestId(`planner-leg-${n}-${k}-departure`).locator('time').textContent(), hhmm(leg.departureAt), `journey ${n} leg ${k}: departure`);
        assert.equal(await row.getByTestId(`planner-leg-${n}-${k}-arrival`).locator('time').textContent(), hhmm(leg.arrivalAt), `journey ${n} leg ${k}: arrival`);
        assert.ok(((await row.textContent()) ?? '').includes(leg.route.shortName || leg.route.longName), `journey ${n} leg ${k}: route name ${leg.route.shortName}`);
      }
    }
    return its;
  };

  /** At least one journey goes from 石家庄 to 北京西 and its first leg leaves at 07:00 or later. */
  const assertShijiazhuangToBeijingWest = (its: Json[]) => {
    const ok = its.filter((it) => {
      const legs = it.legs as Json[];
      return legs[0]?.from.name === '石家庄' && legs[legs.length - 1]?.to.name === '北京西' && hhmm(legs[0]!.departureAt) >= TIME && legs[0]!.departureAt.startsWith(DATE);
    });
    assert.ok(ok.length > 0, `a journey 石家庄 → 北京西 leaving at or after ${TIME}: ${JSON.stringify(its.map((i) => [i.departure, i.arrival]))}`);
  };

  /** The selected journey is drawn: a line per ride, origin and destination markers. */
  const assertMapShowsRoute = async (its: Json[]) => {
    const map = page.getByTestId('planner-map');
    await expectAttribute(map, 'data-itinerary', '0', 'the first journey is the one on the map');
    const rides = (its[0]!.legs as Json[]).filter((l) => l.mode !== 'WALK').length;
    const lines = Number(await map.getAttribute('data-lines'));
    assert.ok(lines >= rides && rides > 0, `map lines ${lines} for ${rides} rides`);
    const line = map.getByTestId('map-line-leg-0');
    await line.waitFor({ state: 'attached' });
    assert.match((await line.getAttribute('d')) ?? '', /^M[\d.-]+,[\d.-]+L/, 'the first leg is drawn as a path');
    await map.getByTestId('map-marker-origin').waitFor({ state: 'attached' });
    await map.getByTestId('map-marker-destination').waitFor({ state: 'attached' });
    const box = await map.locator('svg').boundingBox();
    assert.ok(box && box.width > 250 && box.height > 180, `map drawn at a usable size, got ${JSON.stringify(box)}`);
  };

  step('the transport page is the journey planner, with today and now as defaults', async () => {
    await page.goto(`${server!.url}/`);
    await page.getByTestId('nav-transport').click();
    await page.waitForURL(/\/transport$/);
    await expectText(page.locator('#page-title'), '交通', 'transport heading');
    await expectText(page.locator('#planner-title'), '行程规划', 'planner heading');
    assert.equal(await page.getByTestId('coming-badge').count(), 0, 'no longer a coming-soon page');
    await expectText(page.getByTestId('transport-coming'), '1.5小时交通圈', 'what is still coming for transport');
    // Defaults: the calendar day and clock of Asia/Shanghai.
    const now = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    assert.equal(await page.getByTestId('planner-date').inputValue(), now, 'date defaults to today in Asia/Shanghai');
    assert.match(await page.getByTestId('planner-time').inputValue(), /^\d\d:\d\d$/, 'time defaults to now');
    assert.equal(await page.getByTestId('planner-depart-at').isChecked(), true, 'depart-at by default');
  });

  step('in Chinese: 石家庄 → 北京西 typed in characters, picked from the suggestions', async () => {
    const from = page.getByTestId('planner-from');
    assert.equal(await from.getAttribute('role'), 'combobox');
    await typeStation('planner-from', '石家庄');
    const fromList = await suggestions();
    assert.match(fromList[0]!, /^石家庄 · Shijiazhuang/, `first suggestion for 石家庄: ${JSON.stringify(fromList)}`);
    await expectAttribute(from, 'aria-expanded', 'true', 'the origin list is open');
    const listId = (await from.getAttribute('aria-controls')) ?? '';
    assert.equal(await page.locator(`[id="${listId}"]`).getAttribute('role'), 'listbox', 'aria-controls names the listbox');
    assert.equal(await page.getByTestId('planner-suggestion-0').getAttribute('role'), 'option');
    await page.getByTestId('planner-suggestion-0').click();
    assert.equal(await from.inputValue(), '石家庄');
    await expectAttribute(from, 'data-station', 'cr-hsr:shijiazhuang', 'origin station id');
    await expectAttribute(from, 'aria-expanded', 'false', 'the list closes once a station is picked');

    await typeStation('planner-to', '北京西');
    const toList = await suggestions();
    // The station is in both feeds (cr-hsr, cr-intercity): the user sees it once.
    assert.equal(toList.filter((s) => s.startsWith('北京西')).length, 1, `北京西 listed once: ${JSON.stringify(toList)}`);
    assert.match(toList[0]!, /^北京西 · Beijing West/, `first suggestion for 北京西: ${JSON.stringify(toList)}`);
    await page.getByTestId('planner-suggestion-0').click();
    assert.equal(await page.getByTestId('planner-to').inputValue(), '北京西');

    await page.getByTestId('planner-date').fill(DATE);
    await page.getByTestId('planner-time').fill(TIME);
    const sent = await search();
    assert.equal(sent.searchParams.get('from'), 'cr-hsr:shijiazhuang');
    assert.match(sent.searchParams.get('to') ?? '', /^cr-(hsr|intercity):beijingxi$/);
    assert.equal(sent.searchParams.get('date'), DATE);
    assert.equal(sent.searchParams.get('time'), TIME);
    assert.equal(sent.searchParams.get('arriveBy'), 'false');

    await expectText(page.getByTestId('planner-notice'), NOTICE_ZH, 'the illustrative-schedule notice, in Chinese');
    assert.ok(await page.getByTestId('planner-notice').isVisible(), 'the notice is visible');
    firstSearch = await compareWithApi(sent, (n) => (n === 0 ? '直达' : `换乘 ${n} 次`));
    assertShijiazhuangToBeijingWest(firstSearch);
    const card = await expectText(page.getByTestId('planner-result-0'), '北京西', 'first card names the destination');
    assert.match(card, /石家庄/, `first card names the origin: ${card}`);
    assert.match(card, /小时|分钟/, `duration in Chinese: ${card}`);
    await assertMapShowsRoute(firstSearch);
    await shot('10-planner-zh.png');
  });

  step('in Chinese: pinyin initials "bjx" find 北京西, chosen with the keyboard', async () => {
    await typeStation('planner-to', 'bjx');
    const list = await suggestions();
    assert.match(list[0]!, /^北京西 · Beijing West/, `first suggestion for bjx: ${JSON.stringify(list)}`);
    const to = page.getByTestId('planner-to');
    await to.press('ArrowDown');
    const active = await to.getAttribute('aria-activedescendant');
    assert.ok(active, 'ArrowDown highlights an option (aria-activedescendant)');
    assert.equal(await page.locator(`[id="${active}"]`).getAttribute('aria-selected'), 'true', 'the highlighted option is selected');
    await to.press('Enter');
    assert.equal(await to.inputValue(), '北京西', 'Enter picks the highlighted station');
    const sent = await search();
    const its = await compareWithApi(sent, (n) => (n === 0 ? '直达' : `换乘 ${n} 次`));
    assertShijiazhuangToBeijingWest(its);
    assert.deepEqual(
      its.map((i) => [i.departure, i.arrival]),
      firstSearch.map((i) => [i.departure, i.arrival]),
      'the same journeys as the search by characters',
    );
  });

  step('in English: Shijiazhuang → Beijing West typed in English', async () => {
    await page.getByTestId('lang-switch').click();
    await expectAttribute(page.locator('html'), 'lang', 'en', '<html lang> after switching');
    await expectText(page.locator('#page-title'), 'Transport', 'transport heading in English');
    await expectText(page.locator('#planner-title'), 'Journey planner', 'planner heading in English');
    // The picked stations follow the language.
    assert.equal(await page.getByTestId('planner-from').inputValue(), 'Shijiazhuang');

    await typeStation('planner-from', 'Shijiazhuang');
    const fromList = await suggestions();
    assert.match(fromList[0]!, /^Shijiazhuang · 石家庄/, `first suggestion for Shijiazhuang: ${JSON.stringify(fromList)}`);
    await page.getByTestId('planner-suggestion-0').click();
    await typeStation('planner-to', 'Beijing West');
    const toList = await suggestions();
    assert.match(toList[0]!, /^Beijing West · 北京西/, `first suggestion for Beijing West: ${JSON.stringify(toList)}`);
    await page.getByTestId('planner-suggestion-0').click();
    assert.equal(await page.getByTestId('planner-to').inputValue(), 'Beijing West');
    assert.equal(await page.getByTestId('planner-date').inputValue(), DATE, 'the date is kept');
    assert.equal(await page.getByTestId('planner-time').inputValue(), TIME, 'the time is kept');

    const sent = await search();
    assert.equal(sent.searchParams.get('from'), 'cr-hsr:shijiazhuang');
    assert.match(sent.searchParams.get('to') ?? '', /^cr-(hsr|intercity):beijingxi$/);
    await expectText(page.getByTestId('planner-notice'), NOTICE_EN, 'the illustrative-schedule notice, in English');
    const its = await compareWithApi(sent, (n) => (n === 0 ? 'Direct' : n === 1 ? '1 transfer' : `${n} transfers`));
    assertShijiazhuangToBeijingWest(its);
    const card = await expectText(page.getByTestId('planner-result-0'), 'Beijing West', 'stop names in English on the first card');
    assert.match(card, /Shijiazhuang/, `origin in English: ${card}`);
    assert.match(card, /\d+ h \d+ min|\d+ min/, `duration in English: ${card}`);
    await expectText(page.getByTestId('planner-summary'), /journeys? found/, 'result summary in English');
    await assertMapShowsRoute(its);
    await settled('the English planner');
    await shot('11-planner-en.png');
  });

  step('an unknown station is refused at its field; a day without service shows the empty state', async () => {
    await typeStation('planner-from', 'Nowhere Junction');
    await page.getByTestId('planner-search').click();
    await expectText(page.getByTestId('planner-error-from'), 'No station found', 'error next to the origin field');
    assert.equal(await page.getByTestId('planner-from').getAttribute('aria-invalid'), 'true', 'the origin field is marked invalid');

    await typeStation('planner-from', 'sjz');
    await page.getByTestId('planner-suggestion-0').click();
    await page.getByTestId('planner-date').fill('2027-10-14'); // the bundled calendar covers 2026 only
    const sent = await search();
    await expectText(page.getByTestId('planner-empty'), 'No journey found', 'empty state');
    const expected = await api(`/api/transit/plan${sent.search}`);
    assert.deepEqual(expected.body.itineraries, [], 'the API finds none either');
  });

  journey.checkNothingForeign({ consoleErrors: false });
});
