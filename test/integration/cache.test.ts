import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/platform/config.ts';
import { openPlatform, createApp, type Platform } from '../../src/server.ts';
import type { App } from '../../src/http/app.ts';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

describe(`cached public reads stay correct (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  let other: { platform: Platform; app: App } | null = null;

  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin');
    if (testDb === 'postgres') {
      // A second server process on the same database, as in a scaled-out deployment.
      const platform = await openPlatform(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: env.config.databaseUrl! }), 'second server');
      const app = await createApp(env.config, platform, { logger: false });
      await app.ready();
      other = { platform, app };
    }
  });
  after(async () => {
    if (other) {
      await other.app.close();
      await other.platform.close();
    }
    await env.close();
  });

  const get = (app: App, url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
  const goalName = async (app: App) => ((JSON.parse((await get(app, '/api/plan/goals')).body) as Json).items as Json[]).find((g) => g.id === 'transport.circle-1-5h')!.name.en as string;

  it('answers with an ETag and 304 for an unchanged list', async () => {
    const first = await get(env.app, '/api/plan/goals');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'application/json; charset=utf-8');
    const etag = String(first.headers.etag);
    assert.match(etag, /^".+"$/);
    const again = await get(env.app, '/api/plan/goals', { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('a write is visible to the next read in the same process at once', async () => {
    const before = await goalName(env.app);
    const etag = String((await get(env.app, '/api/plan/goals')).headers.etag);
    const r = await env.app.inject({
      method: 'PATCH',
      url: '/api/plan/goals/transport.circle-1-5h',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: { zh: '一个半小时交通圈', en: 'Renamed once' } }),
    });
    assert.equal(r.statusCode, 200);
    assert.notEqual(before, 'Renamed once');
    assert.equal(await goalName(env.app), 'Renamed once');
    assert.equal((await get(env.app, '/api/plan/goals', { 'if-none-match': etag })).statusCode, 200, 'old ETag no longer matches');
    const projects = JSON.parse((await get(env.app, '/api/plan/projects')).body) as Json;
    await env.app.inject({
      method: 'PATCH',
      url: `/api/plan/projects/${projects.items[0].id}`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'done' }),
    });
    const after = JSON.parse((await get(env.app, '/api/plan/projects')).body) as Json;
    assert.equal(after.items[0].status, 'done');
  });

  // Embedded PGlite admits one process: the same-process test above is the whole story there.
  if (testDb === 'postgres') it('a write through another server process reaches this process through NOTIFY', async (t) => {
    await goalName(env.app); // fill this process's cache
    const r = await other!.app.inject({
      method: 'PATCH',
      url: '/api/plan/goals/transport.circle-1-5h',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: { zh: '一个半小时交通圈', en: 'Renamed elsewhere' } }),
    });
    assert.equal(r.statusCode, 200);
    let seen = '';
    for (let i = 0; i < 50 && seen !== 'Renamed elsewhere'; i++) {
      seen = await goalName(env.app);
      if (seen !== 'Renamed elsewhere') await new Promise((res) => setTimeout(res, 100));
    }
    t.diagnostic(`cache invalidated across processes`);
    assert.equal(seen, 'Renamed elsewhere');
  });
});
