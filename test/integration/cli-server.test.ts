import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cli, startServerProcess, type ServerProcess } from '../support/processes.ts';
import { freshDatabase, testDb } from '../support/harness.ts';

type Json = Record<string, any>;

describe(`CLI and server processes (${testDb})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: ServerProcess | null = null;
  before(async () => {
    db = await freshDatabase();
  });
  after(async () => {
    await server?.stop('SIGKILL');
    await db.drop();
  });

  it('answers --help and refuses unknown commands and options with exit code 2', () => {
    const help = cli(['--help'], db.env);
    assert.equal(help.code, 0);
    for (const c of ['serve', 'migrate', 'token', 'seed', 'plan']) assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    assert.equal(cli(['token', 'create', '--help'], db.env).code, 0);
    assert.equal(cli(['nonsense'], db.env).code, 2);
    assert.equal(cli(['token', 'create', '--role', 'superuser'], db.env).code, 2);
    const badScope = cli(['token', 'create', '--role', 'editor', '--scope', 'province:hebei'], db.env);
    assert.equal(badScope.code, 4);
    assert.match(badScope.stderr, /scope/);
  });

  it('migrates, creates tokens (shown once, --json) and lists key projects before the server runs', () => {
    assert.equal(cli(['migrate', '--json'], db.env).code, 0);
    const seeded = cli(['seed', '--json'], db.env);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.ok((JSON.parse(seeded.stdout) as Json).projects > 0);
    const created = cli(['token', 'create', '--role', 'editor', '--scope', 'city:shijiazhuang', '--label', 'cli editor', '--json'], db.env);
    assert.equal(created.code, 0, created.stderr);
    const tok = JSON.parse(created.stdout) as Json;
    assert.match(tok.token, /^xt_/);
    const list = cli(['token', 'list', '--json'], db.env);
    assert.ok(!list.stdout.includes(tok.token), 'the secret is never listed');
    assert.ok((JSON.parse(list.stdout) as Json[]).some((t) => t.id === tok.id));
    const projects = JSON.parse(cli(['plan', 'projects', '--json', '--category', 'transport'], db.env).stdout) as Json[];
    assert.ok(projects.length > 0 && projects.every((p) => p.category === 'transport'));
    assert.equal(cli(['plan', 'set-status', 'kp-does-not-exist', 'done'], db.env).code, 5);
  });

  it('serves; CLI writes go through the running server and are audited; a second server on the same data fails fast naming the holder', async () => {
    server = await startServerProcess(db.env);
    const setStatus = cli(['plan', 'set-status', 'kp-1.1-shixiong-intercity', 'on_track', '--json'], db.env);
    assert.equal(setStatus.code, 0, setStatus.stderr);
    assert.equal((JSON.parse(setStatus.stdout) as Json).status, 'on_track');
    const admin = cli(['token', 'create', '--role', 'admin', '--label', 'process admin', '--json'], db.env);
    assert.equal(admin.code, 0, admin.stderr);
    const adminToken = (JSON.parse(admin.stdout) as Json).token as string;
    const audit = (await (await fetch(`${server.url}/api/audit?entityId=kp-1.1-shixiong-intercity`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as Json;
    assert.equal(audit.items.length, 1);
    if (testDb === 'pglite') assert.equal(audit.items[0].actor.tokenId, 'local-cli');

    if (testDb === 'pglite') {
      const t0 = Date.now();
      const second = cli(['serve'], { ...db.env, PORT: '0' });
      assert.equal(second.code, 3);
      assert.ok(Date.now() - t0 < 15_000, 'fails fast');
      assert.match(second.stderr, new RegExp(`process ${server.child.pid}`));
      assert.match(second.stderr, /XIETONG_DATA_DIR|DATABASE_URL/);
      const seed = cli(['seed'], db.env);
      assert.equal(seed.code, 3, 'a direct write while the server holds the database is refused clearly');
      assert.match(seed.stderr, /held by the Xietong server/);
    } else {
      // PostgreSQL has no single-process limit: a second server shares the database.
      const other = await startServerProcess(db.env);
      const r = (await (await fetch(`${other.url}/api/plan/projects/kp-1.1-shixiong-intercity`)).json()) as Json;
      assert.equal(r.status, 'on_track');
      await other.stop();
    }
  });

  it('keeps the data across a restart, and recovers the lock after kill -9', async () => {
    assert.equal(await server!.stop('SIGTERM'), 0);
    if (testDb === 'pglite') assert.ok(!fs.existsSync(`${db.env.XIETONG_DATA_DIR}.lock`), 'lock released on shutdown');
    server = await startServerProcess(db.env);
    const p = (await (await fetch(`${server.url}/api/plan/projects/kp-1.1-shixiong-intercity`)).json()) as Json;
    assert.equal(p.status, 'on_track');
    await server.stop('SIGKILL');
    server = await startServerProcess(db.env);
    const again = (await (await fetch(`${server.url}/api/plan/projects/kp-1.1-shixiong-intercity`)).json()) as Json;
    assert.equal(again.status, 'on_track');
    const tokens = cli(['token', 'list', '--json'], db.env);
    assert.equal(tokens.code, 0, tokens.stderr);
    assert.ok((JSON.parse(tokens.stdout) as Json[]).some((t) => t.label === 'cli editor'));
  });
});
