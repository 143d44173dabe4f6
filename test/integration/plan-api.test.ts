import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, readJson, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;
type PlanJson = { goals: { id: string; indicators: unknown[] }[]; keyProjects: { id: string; category: string; cityId: string; ownerDepartment: string }[]; pillars: unknown[] };
const plan = readJson<PlanJson>('data/plan/plan.json');
// "Today" is fixed so that status lights are reproducible.
const fixedNow = () => new Date('2026-06-15T04:00:00Z');

describe(`plan API (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  let editorSjzTransport: string;
  let editorSjz: string;
  let editorBeijing: string;
  let viewer: string;

  before(async () => {
    env = await startTestEnv({ now: fixedNow });
    admin = await env.token('admin', {}, 'admin');
    editorSjzTransport = await env.token('editor', { cityId: 'shijiazhuang', departmentId: 'transport' }, 'sjz transport');
    editorSjz = await env.token('editor', { cityId: 'shijiazhuang' }, 'sjz');
    editorBeijing = await env.token('editor', { cityId: 'beijing' }, 'beijing');
    viewer = await env.token('viewer', {}, 'viewer');
  });
  after(async () => env.close());

  const req = async (method: string, url: string, opts: { token?: string; body?: unknown; lang?: string } = {}) => {
    const res = await env.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.lang ? { 'accept-language': opts.lang } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    });
    return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.body ? (JSON.parse(res.body) as Json) : null };
  };
  const auditFor = async (entityId: string) => (await req('GET', `/api/audit?entityId=${encodeURIComponent(entityId)}`, { token: admin })).body!.items as Json[];

  it('answers health, readiness and OpenAPI 3.1 documenting every API route', async () => {
    assert.equal((await req('GET', '/healthz')).status, 200);
    const ready = await req('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body!.database, testDb);
    const doc = (await req('GET', '/openapi.json')).body!;
    assert.equal(doc.openapi, '3.1.0');
    const documented = new Set(Object.keys(doc.paths));
    const routes = env.app.printRoutes({ commonPrefix: false });
    for (const p of ['/api/plan/goals', '/api/plan/goals/{id}', '/api/plan/projects', '/api/plan/projects/{id}', '/api/audit', '/api/tokens', '/api/me']) {
      assert.ok(documented.has(p), `${p} documented`);
    }
    assert.ok(routes.includes('api/plan/projects'));
    assert.ok(doc.paths['/api/plan/projects/{id}'].patch.requestBody, 'PATCH body documented');
  });

  it('lists the bundled goals and indicators, none with a made-up value', async () => {
    const r = await req('GET', '/api/plan/goals');
    assert.equal(r.status, 200);
    const goals = r.body!.items as Json[];
    assert.equal(goals.length, plan.goals.length);
    const indicators = goals.flatMap((g) => g.indicators as Json[]);
    assert.equal(indicators.length, plan.goals.reduce((n, g) => n + g.indicators.length, 0));
    for (const i of indicators) {
      assert.equal(i.value, null, `${i.id} is not yet measured`);
      assert.equal(i.measuredAt, null);
      assert.ok(i.name.zh && i.name.en);
    }
    const pillars = (await req('GET', '/api/plan/pillars')).body!.items as Json[];
    assert.equal(pillars.length, plan.pillars.length);
    const one = (await req('GET', '/api/plan/goals?pillar=transport')).body!.items as Json[];
    assert.ok(one.length > 0 && one.every((g) => g.pillarId === 'transport'));
    assert.equal((await req('GET', '/api/plan/goals?pillar=BAD ID')).status, 400);
  });

  it('filters key projects exactly as filtering the full list would', async () => {
    const all = (await req('GET', '/api/plan/projects')).body!.items as Json[];
    assert.equal(all.length, plan.keyProjects.length);
    for (const [param, key] of [['category', 'category'], ['city', 'cityId'], ['status', 'status'], ['light', 'light.color']] as const) {
      const values = new Set(all.map((p) => (key === 'light.color' ? p.light.color : p[key])));
      for (const v of values) {
        const got = (await req('GET', `/api/plan/projects?${param}=${v}`)).body!.items as Json[];
        const expected = all.filter((p) => (key === 'light.color' ? p.light.color : p[key]) === v).map((p) => p.id);
        assert.deepEqual(got.map((p) => p.id), expected, `${param}=${v}`);
      }
    }
    const bad = await req('GET', '/api/plan/projects?status=unknown&light=purple', { lang: 'en' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body!.errors.map((e: Json) => e.field).sort(), ['light', 'status']);
  });

  it('refuses writes without a valid token (401), to viewers and out of scope (403)', async () => {
    const id = 'kp-1.1-shixiong-intercity';
    assert.equal((await req('PATCH', `/api/plan/projects/${id}`, { body: { status: 'on_track' } })).status, 401);
    assert.equal((await req('PATCH', `/api/plan/projects/${id}`, { token: 'xt_not-a-token', body: { status: 'on_track' } })).status, 401);
    const v = await req('PATCH', `/api/plan/projects/${id}`, { token: viewer, body: { status: 'on_track' } });
    assert.equal(v.status, 403);
    assert.equal(v.type, 'application/problem+json; charset=utf-8');
    const bj = await req('PATCH', `/api/plan/projects/${id}`, { token: editorBeijing, body: { status: 'on_track' }, lang: 'en' });
    assert.equal(bj.status, 403);
    assert.match(bj.body!.detail, /city:beijing/);
    // A transport editor may not touch a project of another department, nor move one out of its scope.
    const other = plan.keyProjects.find((p) => p.cityId === 'shijiazhuang' && p.ownerDepartment !== 'transport')!;
    assert.equal((await req('PATCH', `/api/plan/projects/${other.id}`, { token: editorSjzTransport, body: { status: 'on_track' } })).status, 403);
    assert.equal((await req('PATCH', `/api/plan/projects/${id}`, { token: editorSjzTransport, body: { cityId: 'beijing' } })).status, 403);
    assert.equal((await req('PATCH', `/api/plan/projects/${id}`, { token: editorSjzTransport, body: { ownerDepartment: 'health' } })).status, 403);
    assert.equal((await auditFor(id)).length, 0, 'refused writes leave no audit record');
    // Nothing changed.
    assert.equal((await req('GET', `/api/plan/projects/${id}`)).body!.status, 'not_started');
  });

  it('lets an in-scope editor update status and milestones; the light follows the schedule; the write is audited', async () => {
    const id = 'kp-1.1-shixiong-intercity';
    const before = (await req('GET', `/api/plan/projects/${id}`)).body!;
    const milestones = [
      { id: 'm1', name: { zh: '可研批复', en: 'Feasibility approved' }, plannedDate: '2026-01-31', doneDate: '2026-01-20', weight: 1 },
      { id: 'm2', name: { zh: '开工', en: 'Construction starts' }, plannedDate: '2026-03-31', doneDate: null, weight: 1 },
      { id: 'm3', name: { zh: '通车', en: 'Opening' }, plannedDate: '2027-12-31', doneDate: null, weight: 2 },
    ];
    const r = await req('PATCH', `/api/plan/projects/${id}`, { token: editorSjzTransport, body: { status: 'at_risk', milestones, version: before.version } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body!.status, 'at_risk');
    assert.equal(r.body!.version, before.version + 1);
    // On 2026-06-15: planned weight 2 of 4, done 1 of 4 → 25 points behind → yellow; at the end of May it
    // was already 25 behind (m2 due 03-31) → two yellows in a row → red.
    assert.equal(r.body!.light.plannedPct, 50);
    assert.equal(r.body!.light.actualPct, 25);
    assert.equal(r.body!.light.behindPoints, 25);
    assert.equal(r.body!.light.color, 'red');
    // At the March month end (m2 just due) it is the first evaluation behind plan: yellow.
    const asOfApril = (await req('GET', `/api/plan/projects/${id}?asOf=2026-03-31`)).body!;
    assert.equal(asOfApril.light.color, 'yellow', 'first month behind: yellow');
    const audit = await auditFor(id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.action, 'update');
    assert.equal(audit[0]!.actor.label, 'sjz transport');
    assert.equal(audit[0]!.before.status, 'not_started');
    assert.equal(audit[0]!.after.status, 'at_risk');
    assert.equal(audit[0]!.after.milestones.length, 3);
    // Stale version → 409, nothing written.
    const stale = await req('PATCH', `/api/plan/projects/${id}`, { token: editorSjz, body: { status: 'done', version: before.version } });
    assert.equal(stale.status, 409);
    assert.equal((await auditFor(id)).length, 1);
  });

  it('validates references and dates with every bad field named, in Chinese by default and English on request', async () => {
    const id = 'kp-1.1-shixiong-intercity';
    const body = {
      category: 'no-such-category',
      milestones: [
        { id: 'a', name: { zh: '甲', en: 'A' }, plannedDate: '2026-02-30', doneDate: null },
        { id: 'a', name: { zh: '乙', en: '' }, plannedDate: null, doneDate: null },
      ],
    };
    const zh = await req('PATCH', `/api/plan/projects/${id}`, { token: admin, body });
    assert.equal(zh.status, 400);
    const fields = zh.body!.errors.map((e: Json) => e.field).sort();
    assert.deepEqual(fields, ['milestones.0.plannedDate', 'milestones.1.id', 'milestones.1.name.en']);
    assert.match(zh.body!.title, /请求参数有误/);
    const en = await req('PATCH', `/api/plan/projects/${id}`, { token: admin, body: { category: 'no-such-category', cityId: 'atlantis' }, lang: 'en-US,en;q=0.9' });
    assert.equal(en.status, 400);
    assert.deepEqual(en.body!.errors.map((e: Json) => e.field).sort(), ['category', 'cityId']);
    assert.match(en.body!.errors[0].message, /unknown/);
    const future = await req('PATCH', `/api/plan/projects/${id}`, {
      token: admin,
      body: { milestones: [{ id: 'x', name: { zh: '甲', en: 'A' }, plannedDate: '2026-01-01', doneDate: '2030-01-01' }] },
      lang: 'en',
    });
    assert.equal(future.status, 400);
    assert.equal(future.body!.errors[0].field, 'milestones.0.doneDate');
  });

  it('creates and deletes goals and key projects (audited); scope and conflicts are enforced', async () => {
    const goal = {
      id: 'test.goal',
      pillarId: 'transport',
      order: 99,
      name: { zh: '测试目标', en: 'Test goal' },
      description: { zh: '说明', en: 'Description' },
      indicators: [
        { id: 'test.goal.ind', name: { zh: '指标', en: 'Indicator' }, unit: { zh: '个', en: 'count' }, target: 3, targetText: null, direction: 'increase', engine: 'plan.projects' },
      ],
    };
    assert.equal((await req('POST', '/api/plan/goals', { token: editorBeijing, body: goal })).status, 403);
    const created = await req('POST', '/api/plan/goals', { token: editorSjz, body: goal });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body!.indicators[0].value, null);
    assert.equal((await req('POST', '/api/plan/goals', { token: editorSjz, body: goal })).status, 409);
    const taken = await req('POST', '/api/plan/goals', { token: admin, body: { ...goal, id: 'test.goal2' } });
    assert.equal(taken.status, 400, 'indicator id of another goal');
    assert.equal(taken.body!.errors[0].field, 'indicators.0.id');
    const patched = await req('PATCH', '/api/plan/goals/test.goal', { token: admin, body: { name: { zh: '改名', en: 'Renamed' }, version: 1 } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body!.indicators.length, 1, 'indicators kept when not sent');
    assert.equal((await req('DELETE', '/api/plan/goals/test.goal', { token: admin })).status, 204);
    assert.equal((await req('GET', '/api/plan/goals/test.goal')).status, 404);
    assert.deepEqual((await auditFor('test.goal')).map((a) => a.action), ['delete', 'update', 'create']);

    const project = { id: 'kp-test', number: '9.9', name: { zh: '测试', en: 'Test' }, description: { zh: '说明', en: 'Description' }, category: 'transport', cityId: 'beijing', ownerDepartment: 'transport' };
    assert.equal((await req('POST', '/api/plan/projects', { token: editorSjz, body: project })).status, 403);
    const p = await req('POST', '/api/plan/projects', { token: editorBeijing, body: project });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.equal(p.body!.light.color, 'none');
    assert.equal((await req('DELETE', '/api/plan/projects/kp-test', { token: editorSjz })).status, 403);
    assert.equal((await req('DELETE', '/api/plan/projects/kp-test', { token: editorBeijing })).status, 204);
    assert.deepEqual((await auditFor('kp-test')).map((a) => a.action), ['delete', 'create']);
  });

  it('audit log: admins only, filterable by entity, actor, action and time', async () => {
    assert.equal((await req('GET', '/api/audit', { token: editorSjz })).status, 403);
    assert.equal((await req('GET', '/api/audit')).status, 401);
    const all = (await req('GET', '/api/audit?limit=500', { token: admin })).body!;
    assert.ok(all.total >= 6);
    const byActor = (await req('GET', '/api/audit?actor=beijing', { token: admin })).body!.items as Json[];
    assert.ok(byActor.length >= 2 && byActor.every((a) => a.actor.label === 'beijing'));
    const deletes = (await req('GET', '/api/audit?action=delete', { token: admin })).body!.items as Json[];
    assert.ok(deletes.length >= 2 && deletes.every((a) => a.action === 'delete'));
    const future = (await req('GET', `/api/audit?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`, { token: admin })).body!;
    assert.equal(future.total, 0);
    assert.equal((await req('GET', '/api/audit?from=yesterday', { token: admin })).status, 400);
  });

  it('tokens: created by admins with scope, shown once, revocable; /api/me reports them', async () => {
    const created = await req('POST', '/api/tokens', { token: admin, body: { role: 'editor', scope: 'city:tianjin/dept:ecology', label: 'tj' } });
    assert.equal(created.status, 201);
    assert.match(created.body!.token, /^xt_/);
    const me = (await req('GET', '/api/me', { token: created.body!.token })).body!;
    assert.deepEqual({ role: me.role, scope: me.scope }, { role: 'editor', scope: { cityId: 'tianjin', departmentId: 'ecology' } });
    const list = (await req('GET', '/api/tokens', { token: admin })).body!.items as Json[];
    assert.ok(list.every((t) => !('token' in t) && !('token_hash' in t)));
    assert.equal((await req('POST', '/api/tokens', { token: editorSjz, body: { role: 'admin' } })).status, 403);
    const badScope = await req('POST', '/api/tokens', { token: admin, body: { role: 'editor', scope: 'province:hebei' } });
    assert.equal(badScope.status, 400);
    assert.equal(badScope.body!.errors[0].field, 'scope');
    assert.equal((await req('DELETE', `/api/tokens/${created.body!.id}`, { token: admin })).status, 200);
    assert.equal((await req('GET', '/api/me', { token: created.body!.token })).status, 401);
    assert.equal((await auditFor(created.body!.id)).length, 2);
  });

  it('limits body size (413) and answers unknown routes with problem+json', async () => {
    const big = { note: 'x'.repeat(env.config.bodyLimit + 10) };
    const r = await req('PATCH', '/api/plan/projects/kp-1.1-shixiong-intercity', { token: admin, body: big });
    assert.equal(r.status, 413);
    assert.equal(r.body!.code, 'payload_too_large');
    const nf = await req('GET', '/api/nowhere');
    assert.equal(nf.status, 404);
    assert.equal(nf.type, 'application/problem+json; charset=utf-8');
  });
});

describe(`rate limits (${testDb})`, () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { XIETONG_RATE_LIMIT: '5', XIETONG_RATE_LIMIT_ANON: '8' }, seed: false });
  });
  after(async () => env.close());

  it('limits each token separately and anonymous clients by address (429 problem+json with Retry-After)', async () => {
    const a = await env.token('viewer');
    const b = await env.token('viewer');
    const get = (token?: string) => env.app.inject({ method: 'GET', url: '/api/plan/pillars', headers: token ? { authorization: `Bearer ${token}` } : {} });
    const statusesA = [];
    for (let i = 0; i < 7; i++) statusesA.push((await get(a)).statusCode);
    assert.deepEqual(statusesA, [200, 200, 200, 200, 200, 429, 429]);
    assert.equal((await get(b)).statusCode, 200, 'another token has its own budget');
    const limited = await get(a);
    assert.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.ok(limited.headers['retry-after']);
    const anon = [];
    for (let i = 0; i < 9; i++) anon.push((await get()).statusCode);
    assert.equal(anon.filter((s) => s === 429).length, 1);
  });
});
