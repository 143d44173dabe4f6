import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

const validGoal = () => ({
  id: 'fuzz.goal',
  pillarId: 'transport',
  order: 1,
  name: { zh: '目标', en: 'Goal' },
  description: { zh: '说明', en: 'Description' },
  sourceQuote: '',
  indicators: [{ id: 'fuzz.goal.i', name: { zh: '指标', en: 'Indicator' }, unit: { zh: '个', en: 'count' }, target: 1, targetText: null, direction: 'increase', engine: 'plan.projects' }],
});
const validProject = () => ({
  id: 'kp-fuzz',
  number: '9.1',
  name: { zh: '项目', en: 'Project' },
  description: { zh: '说明', en: 'Description' },
  category: 'transport',
  cityId: 'shijiazhuang',
  ownerDepartment: 'transport',
  status: 'on_track',
  milestones: [{ id: 'm1', name: { zh: '节点', en: 'Step' }, plannedDate: '2026-01-31', doneDate: null, weight: 1 }],
  note: null,
});
const validToken = () => ({ role: 'viewer', scope: 'city:shijiazhuang', label: 'fuzz' });

/** Each write route with a valid body; mutations of it must be refused with the mutated field named. */
const routes: { name: string; method: 'POST' | 'PATCH'; url: string; valid: () => Json; patch: boolean }[] = [
  { name: 'POST goals', method: 'POST', url: '/api/plan/goals', valid: validGoal, patch: false },
  { name: 'PATCH goal', method: 'PATCH', url: '/api/plan/goals/transport.circle-1-5h', valid: () => { const { id: _id, ...rest } = validGoal(); return { ...rest, indicators: [] }; }, patch: true },
  { name: 'POST projects', method: 'POST', url: '/api/plan/projects', valid: validProject, patch: false },
  { name: 'PATCH project', method: 'PATCH', url: '/api/plan/projects/kp-1.1-shixiong-intercity', valid: () => { const { id: _id, ...rest } = validProject(); return rest; }, patch: true },
  { name: 'POST tokens', method: 'POST', url: '/api/tokens', valid: validToken, patch: false },
];

/** A value of the wrong type for whatever the field holds (strings, numbers, objects, arrays, enums). */
function wrongValueFor(original: unknown): fc.Arbitrary<unknown> {
  const candidates: fc.Arbitrary<unknown>[] = [fc.boolean(), fc.constant({ unexpected: true }), fc.array(fc.integer(), { minLength: 1, maxLength: 3 })];
  // Finite only: JSON has no Infinity (JSON.stringify writes null, which a nullable field accepts).
  if (typeof original !== 'number') candidates.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
  // A null original may be a nullable string (note, number): a string is not wrong for it.
  if (typeof original !== 'string' && original !== null) candidates.push(fc.string({ maxLength: 20 }));
  if (typeof original === 'string' || original === null) candidates.push(fc.integer());
  return fc.oneof(...candidates);
}

describe(`write routes under generated malformed bodies (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  let accepted = 0;
  let auditBefore = 0;

  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin', {}, 'fuzz admin');
    auditBefore = await countAudit();
  });
  after(async () => env.close());

  async function countAudit(): Promise<number> {
    const r = await env.platform.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async function send(method: string, url: string, payload: string) {
    const res = await env.app.inject({ method: method as 'POST', url, payload, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'accept-language': 'en' } });
    if (res.statusCode < 300) accepted++;
    return res;
  }

  function assertProblem(res: { statusCode: number; headers: Json; body: string }, context: string) {
    assert.ok(res.statusCode < 500, `${context}: got ${res.statusCode} ${res.body}`);
    if (res.statusCode === 400) {
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', context);
      const p = JSON.parse(res.body) as Json;
      assert.equal(p.status, 400);
      assert.ok(Array.isArray(p.errors) && p.errors.length > 0, `${context}: lists fields`);
      for (const e of p.errors) assert.ok(typeof e.field === 'string' && e.field.length > 0 && typeof e.message === 'string' && e.message.length > 0);
    }
  }

  // Random JSON is rarely a valid write: each route's valid body is sent once so the audit check below
  // always compares a non-zero number of accepted writes, whatever the generators produced.
  it('accepts the valid body of every write route', async () => {
    for (const route of routes) {
      const res = await send(route.method, route.url, JSON.stringify(route.valid()));
      assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${route.name} → ${res.statusCode} ${res.body}`);
    }
  });

  for (const route of routes) {
    it(`${route.name}: arbitrary JSON never causes a 500; refusals are problem+json naming fields`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
          const res = await send(route.method, route.url, JSON.stringify(body));
          assertProblem(res, `${route.name} ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: 60 },
      );
    });

    it(`${route.name}: a valid body with one field of the wrong type is refused naming that field`, async () => {
      const keys = Object.keys(route.valid());
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...keys).chain((k) => fc.tuple(fc.constant(k), wrongValueFor(route.valid()[k]))),
          async ([key, value]) => {
            const body = { ...route.valid(), [key]: value };
            const res = await send(route.method, route.url, JSON.stringify(body));
            assert.equal(res.statusCode, 400, `${key}=${JSON.stringify(value)} → ${res.body}`);
            assertProblem(res, key);
            const fields = (JSON.parse(res.body) as Json).errors.map((e: Json) => e.field as string);
            assert.ok(fields.some((f: string) => f === key || f.startsWith(`${key}.`)), `${key} named in ${fields.join(', ')}`);
          },
        ),
        { numRuns: 60 },
      );
    });

    // Every field of a PATCH is optional: only creating routes have required fields.
    if (!route.patch) it(`${route.name}: missing required fields are each named`, async () => {
      const required = route.name === 'POST tokens' ? ['role'] : route.name === 'POST goals' ? ['id', 'pillarId', 'name', 'description'] : ['id', 'name', 'description', 'category', 'cityId', 'ownerDepartment'];
      const body = route.valid();
      for (const k of required) delete body[k];
      const res = await send(route.method, route.url, JSON.stringify(body));
      assert.equal(res.statusCode, 400);
      const fields = (JSON.parse(res.body) as Json).errors.map((e: Json) => e.field).sort();
      assert.deepEqual(fields, [...required].sort());
    });
  }

  it('garbage bytes and truncated JSON are 400 problem+json, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))), async (raw) => {
        let isJson = true;
        try {
          JSON.parse(raw);
        } catch {
          isJson = false;
        }
        const res = await send('PATCH', '/api/plan/projects/kp-1.1-shixiong-intercity', raw);
        assert.ok(res.statusCode < 500, `${JSON.stringify(raw)} → ${res.statusCode}`);
        if (!isJson) {
          assert.equal(res.statusCode, 400);
          assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('every accepted write is in the audit log, and only those', async () => {
    assert.ok(accepted > 0, 'some generated bodies were valid writes');
    assert.equal((await countAudit()) - auditBefore, accepted);
  });
});
