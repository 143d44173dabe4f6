// The dashboard as a user meets it: a real `xietong serve` on a fresh embedded database, tokens made with
// the CLI beforehand, Debian's Chromium clicking through overview → language → sign-in → edit a key project
// → a rejected edit → the audit log. Screenshots land in test-artifacts/browser/ for a human to look at.
import { before, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type ServerProcess, browserJourney, createTokenViaCli, expectAttribute, expectText } from '../support/browser.ts';

type Json = Record<string, any>;

const PROJECT_ID = 'kp-1.1-shixiong-intercity';
const PROJECT_NAME_ZH = '石雄城际铁路';
const EDITOR_LABEL = '浏览器测试编辑';
const MILESTONE = { zh: '主体工程开工（浏览器测试）', en: 'Main works start (browser test)', planned: '2027-06-30' };

describe('dashboard in Chromium against a real server', () => {
  let editor: { token: string; id: string };
  let admin: { token: string; id: string };

  let versionAfterEdit = -1;
  let milestonesAfterEdit = -1;

  const journey = browserJourney({
    name: 'dashboard',
    stepTimeoutMs: 25000,
    setupTimeoutMs: 55_000,
    serverStartMs: 30_000,
    // The embedded database admits one process at a time: make the tokens before the server holds it.
    prepare: async (env) => {
      editor = await createTokenViaCli(env, ['--role', 'editor', '--scope', 'city:shijiazhuang/dept:transport', '--label', EDITOR_LABEL]);
      admin = await createTokenViaCli(env, ['--role', 'admin', '--label', 'browser admin']);
    },
  });
  const { step, shot, settled, api } = journey;
  let page: Page;
  let server: ServerProcess;
  before(() => {
    ({ page, server } = journey.opened());
  });

  step('opens in Chinese with the region map centred on Shijiazhuang', async () => {
    await page.goto(`${server!.url}/`);
    await expectAttribute(page.locator('html'), 'lang', 'zh-CN', '<html lang> by default');
    await expectText(page.locator('#page-title'), '概览', 'overview heading');
    await expectText(page.getByTestId('nav-projects'), '重点项目', 'navigation entry for key projects');
    await expectText(page.getByTestId('nav-goals'), '规划目标', 'navigation entry for goals');
    // The summaries come from the API: wait for them so the screenshot shows data, not "loading".
    await page.getByTestId('overview-lights').waitFor({ state: 'visible' });

    const map = page.getByTestId('region-map');
    await map.waitFor({ state: 'visible' });
    await expectAttribute(map, 'data-lang', 'zh', 'map language');
    const feature = map.getByTestId('map-feature-shijiazhuang');
    await feature.waitFor({ state: 'visible' });
    assert.match((await feature.getAttribute('class')) ?? '', /\bmap-feature-centre\b/, 'Shijiazhuang is the highlighted feature');
    const marker = map.getByTestId('map-city-shijiazhuang');
    await marker.waitFor({ state: 'visible' });
    assert.match((await marker.getAttribute('class')) ?? '', /\bmap-city-centre\b/, 'Shijiazhuang has the centre marker');
    await expectText(map.locator('text.map-label-centre'), '石家庄', 'centre label on the map');
    const box = await map.locator('svg').boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, `map is drawn at a usable size, got ${JSON.stringify(box)}`);

    await settled('the overview');
    await shot('01-overview-zh.png');
  });

  step('switches to English and remembers the choice', async () => {
    await page.getByTestId('lang-switch').click();
    await expectAttribute(page.locator('html'), 'lang', 'en', '<html lang> after switching');
    await expectText(page.getByTestId('nav-projects'), 'Key projects', 'navigation entry in English');
    await expectText(page.locator('#page-title'), 'Overview', 'overview heading in English');
    await expectAttribute(page.getByTestId('region-map'), 'data-lang', 'en', 'map language after switching');
    await expectText(page.getByTestId('region-map').locator('text.map-label-centre'), 'Shijiazhuang', 'centre label in English');

    await page.reload();
    await expectAttribute(page.locator('html'), 'lang', 'en', '<html lang> after reload (choice kept)');
    await expectText(page.getByTestId('nav-projects'), 'Key projects', 'English kept after reload');
    await page.getByTestId('overview-lights').waitFor({ state: 'visible' });
    await page.getByTestId('map-city-shijiazhuang').waitFor({ state: 'visible' });
    await settled('the English overview');
    await shot('02-overview-en.png');

    await page.getByTestId('lang-switch').click();
    await expectAttribute(page.locator('html'), 'lang', 'zh-CN', '<html lang> after switching back');
    await expectText(page.getByTestId('nav-projects'), '重点项目', 'navigation entry back in Chinese');
  });

  step('an editor signs in with a token and edits a key project', async () => {
    await page.getByTestId('token-input').fill(editor.token);
    await page.getByTestId('token-apply').click();
    await expectAttribute(page.getByTestId('session-status'), 'data-role', 'editor', 'session role after pasting the editor token');
    const status = await expectText(page.getByTestId('session-status'), EDITOR_LABEL, 'session status names the token');
    assert.match(status, /编辑/, `session status shows the editor role: ${status}`);
    assert.match(status, /石家庄/, `session status shows the scope: ${status}`);

    await page.getByTestId('nav-projects').click();
    await page.waitForURL(/\/projects$/);
    const row = page.getByTestId(`project-row-${PROJECT_ID}`);
    await row.waitFor({ state: 'visible' });
    await expectText(row, PROJECT_NAME_ZH, 'project row name');
    await row.getByTestId(`project-link-${PROJECT_ID}`).click();
    await page.waitForURL(new RegExp(`/projects/${PROJECT_ID}$`));
    await expectText(page.locator('#page-title'), PROJECT_NAME_ZH, 'project page heading');
    await expectAttribute(page.getByTestId('project-status').locator('[data-status]'), 'data-status', 'not_started', 'status before the edit');
    await settled('the project page');

    await page.getByTestId('edit-button').click();
    const form = page.getByTestId('project-edit-form');
    await form.waitFor({ state: 'visible' });
    await page.getByTestId('status-select').selectOption('on_track');
    const i = await form.locator('[data-testid^="milestone-row-"]').count();
    await page.getByTestId('milestone-add').click();
    await page.getByTestId(`milestone-row-${i}`).waitFor({ state: 'visible' });
    await page.getByTestId(`milestone-name-zh-${i}`).fill(MILESTONE.zh);
    await page.getByTestId(`milestone-name-en-${i}`).fill(MILESTONE.en);
    await page.getByTestId(`milestone-planned-${i}`).fill(MILESTONE.planned);
    await page.getByTestId('save-button').click();

    await expectText(page.getByTestId('save-success'), '已保存', 'save confirmation');
    await form.waitFor({ state: 'detached' });
    await expectAttribute(page.getByTestId('project-status').locator('[data-status]'), 'data-status', 'on_track', 'status after the edit');
    await expectText(page.getByTestId('project-status'), '按计划推进', 'status label after the edit');
    const table = await expectText(page.getByTestId('milestones-table'), MILESTONE.zh, 'new milestone listed');
    assert.ok(table.includes(MILESTONE.planned), `milestone table shows the planned date: ${table}`);
    await settled('the edited project');
    await shot('03-project-edited.png');

    const stored = await api(`/api/plan/projects/${PROJECT_ID}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.body.status, 'on_track', 'the server stored the new status');
    const ms = (stored.body.milestones as Json[]).find((m) => m.name?.zh === MILESTONE.zh);
    assert.ok(ms, `the server stored the milestone: ${JSON.stringify(stored.body.milestones)}`);
    assert.equal(ms.name.en, MILESTONE.en);
    assert.equal(ms.plannedDate, MILESTONE.planned);
    versionAfterEdit = stored.body.version as number;
    milestonesAfterEdit = (stored.body.milestones as Json[]).length;
  });

  step('a milestone without names is refused at the field and nothing is saved', async () => {
    await page.getByTestId('edit-button').click();
    const form = page.getByTestId('project-edit-form');
    await form.waitFor({ state: 'visible' });
    const j = await form.locator('[data-testid^="milestone-row-"]').count();
    assert.equal(j, milestonesAfterEdit, 'the form starts from the saved milestones');
    await page.getByTestId('milestone-add').click();
    await page.getByTestId(`milestone-row-${j}`).waitFor({ state: 'visible' });
    await page.getByTestId(`milestone-planned-${j}`).fill('2027-12-31');
    await page.getByTestId('save-button').click();

    await page.getByTestId('save-error').waitFor({ state: 'visible' });
    await page.getByTestId(`field-error-milestones.${j}.name.zh`).waitFor({ state: 'visible' });
    await page.getByTestId(`field-error-milestones.${j}.name.en`).waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId(`milestone-name-zh-${j}`).getAttribute('aria-invalid'), 'true', 'the empty Chinese name is marked invalid');
    assert.equal(await page.getByTestId('save-success').count(), 0, 'no success message for a refused save');
    assert.ok(await form.isVisible(), 'the form stays open with the user’s input');

    const stored = await api(`/api/plan/projects/${PROJECT_ID}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.body.version, versionAfterEdit, 'the refused save did not change the project');
    assert.equal((stored.body.milestones as Json[]).length, milestonesAfterEdit, 'no milestone was added');
    assert.equal(stored.body.status, 'on_track');

    await page.getByTestId('cancel-button').click();
    await form.waitFor({ state: 'detached' });
  });

  step('an admin finds the edit in the audit log with its before/after diff', async () => {
    await page.getByTestId('token-input').fill(admin.token);
    await page.getByTestId('token-apply').click();
    await expectAttribute(page.getByTestId('session-status'), 'data-role', 'admin', 'session role after pasting the admin token');

    await page.getByTestId('nav-audit').click();
    await page.waitForURL(/\/audit$/);
    await page.getByTestId('audit-table').waitFor({ state: 'visible' });
    const rows = page
      .locator('[data-testid^="audit-row-"]')
      .filter({ hasText: PROJECT_ID })
      .filter({ hasText: EDITOR_LABEL })
      .filter({ hasText: '修改' });
    await rows.first().waitFor({ state: 'visible' });
    assert.equal(await rows.count(), 1, 'exactly one audited update of the project by the editor is listed');
    const testId = (await rows.getAttribute('data-testid')) ?? '';
    const id = testId.replace('audit-row-', '');
    assert.match(id, /^\d+$/, `audit row id from ${testId}`);

    await page.getByTestId(`audit-toggle-${id}`).click();
    const diff = page.getByTestId(`audit-diff-${id}`);
    await diff.waitFor({ state: 'visible' });
    const statusRow = diff.locator('tbody tr').filter({ has: page.locator('th code', { hasText: /^status$/ }) });
    assert.equal(await statusRow.count(), 1, 'the diff has a row for status');
    await expectText(statusRow.locator('td.diff-before'), 'not_started', 'status before in the diff');
    await expectText(statusRow.locator('td.diff-after'), 'on_track', 'status after in the diff');
    await expectText(diff, MILESTONE.zh, 'the new milestone appears in the diff');
    await settled('the audit log');
    await shot('04-audit.png');

    const audit = await api(`/api/audit?entityId=${encodeURIComponent(PROJECT_ID)}`, admin.token);
    assert.equal(audit.status, 200, `GET /api/audit: ${JSON.stringify(audit.body)}`);
    const updates = (audit.body.items as Json[]).filter((e) => e.action === 'update');
    assert.equal(updates.length, 1, `one update of ${PROJECT_ID} in all (the refused save left none): ${JSON.stringify(updates.map((u) => u.id))}`);
    const [u] = updates as [Json];
    assert.equal(String(u.id), id, 'the UI row is the API entry');
    assert.equal(u.actor.tokenId, editor.id);
    assert.equal(u.actor.label, EDITOR_LABEL);
    assert.equal(u.actor.role, 'editor');
    assert.equal(u.before.status, 'not_started');
    assert.equal(u.after.status, 'on_track');
  });

  step('the interactive API docs load from local files and list the plan routes', async () => {
    await page.goto(`${server!.url}/docs`);
    await page.locator('.swagger-ui .opblock-tag').first().waitFor({ state: 'visible', timeout: 15_000 });
    await expectText(page.locator('.swagger-ui'), '/api/plan/projects/{id}', 'the docs list the key-project routes');
    await shot('05-api-docs.png');
  });

  journey.checkNothingForeign({ consoleErrors: false });
});
