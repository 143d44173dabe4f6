import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook, WebhookRefused, type HostResolver, type ResolvedAddress } from '../../../../src/air/linkage/webhook.http.ts';

type Hit = { path: string; host: string; body: string; headers: http.IncomingHttpHeaders };

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A resolver stub: fixed answers per name, counting the calls (the connection must not resolve again). */
function stubResolver(answers: Record<string, ResolvedAddress[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (host: string) => {
    calls.push(host);
    const a = answers[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a;
  };
  return Object.assign(fn, { calls });
}

describe('linkage webhooks: delivery under the SSRF policy', () => {
  const hits: Hit[] = [];
  const otherHits: Hit[] = [];
  let receiver: { server: http.Server; port: number };
  let other: { server: http.Server; port: number };
  const stalled: http.ServerResponse[] = [];
  const record = (into: Hit[]): http.RequestListener => (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      into.push({ path: req.url ?? '', host: String(req.headers.host ?? ''), body, headers: req.headers });
      if (req.url === '/redirect') res.writeHead(307, { location: `http://127.0.0.1:${other.port}/stolen` }).end();
      else if (req.url === '/stall') stalled.push(res);
      else if (req.url === '/fail') res.writeHead(500).end();
      else res.writeHead(204).end();
    });
  };

  before(async () => {
    receiver = await listen(record(hits));
    other = await listen(record(otherHits));
  });
  after(async () => {
    for (const r of stalled) r.destroy();
    receiver.server.closeAllConnections();
    await new Promise<void>((r) => receiver.server.close(() => r()));
    await new Promise<void>((r) => other.server.close(() => r()));
  });

  const post = (url: string, o: { allowPrivate: boolean; resolve?: HostResolver; timeoutMs?: number }) =>
    postWebhook({ url, headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"n":1}', timeoutMs: o.timeoutMs ?? 2000, allowPrivate: o.allowPrivate, ...(o.resolve ? { resolve: o.resolve } : {}) });

  it('connects to the checked address, not to a new resolution of the name', async () => {
    // hook.example.test does not exist in DNS: only the checked (stubbed) address can be reached.
    const resolve = stubResolver({ 'hook.example.test': [{ address: '127.0.0.1', family: 4 }] });
    const status = await post(`http://hook.example.test:${receiver.port}/in?x=1`, { allowPrivate: true, resolve });
    assert.equal(status, 204);
    assert.deepEqual(resolve.calls, ['hook.example.test'], 'resolved once');
    const h = hits.at(-1)!;
    assert.equal(h.path, '/in?x=1');
    assert.equal(h.host, `hook.example.test:${receiver.port}`, 'the Host header keeps the name');
    assert.equal(h.body, '{"n":1}');
    assert.equal(h.headers['x-test'], 'yes');
  });

  it('refuses when the name resolves to a loopback address (DNS rebinding), without connecting', async () => {
    const before = hits.length;
    const resolve = stubResolver({ 'rebind.example.test': [{ address: '127.0.0.1', family: 4 }] });
    await assert.rejects(post(`http://rebind.example.test:${receiver.port}/in`, { allowPrivate: false, resolve }), (e: unknown) => {
      assert.ok(e instanceof WebhookRefused);
      assert.equal(e.permanent, false, 'DNS may change: the delivery is retried');
      assert.match(e.message, /rebind\.example\.test resolves to 127\.0\.0\.1 \(loopback/);
      return true;
    });
    assert.equal(hits.length, before, 'no request reached the receiver');
  });

  it('refuses when any one of the resolved addresses is forbidden', async () => {
    const cases: ResolvedAddress[][] = [
      [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.7', family: 4 }],
      [{ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }, { address: 'fd12:3456::1', family: 6 }],
      [{ address: '::ffff:169.254.169.254', family: 6 }],
      [{ address: '64:ff9b::a00:1', family: 6 }],
      [{ address: 'fe80::1%eth0', family: 6 }],
    ];
    for (const answer of cases) {
      const resolve = stubResolver({ 'mixed.example.test': answer });
      await assert.rejects(post(`https://mixed.example.test/in`, { allowPrivate: false, resolve }), WebhookRefused, JSON.stringify(answer));
    }
  });

  it('refuses a URL the registration policy refuses (a row from before the policy) for good', async () => {
    const resolve = stubResolver({});
    for (const url of [`http://127.0.0.1:${receiver.port}/in`, `http://[::1]:${receiver.port}/in`, 'http://localhost/', 'http://user:pw@hooks.example.com/', 'ftp://hooks.example.com/']) {
      await assert.rejects(post(url, { allowPrivate: false, resolve }), (e: unknown) => e instanceof WebhookRefused && e.permanent, url);
    }
    assert.deepEqual(resolve.calls, [], 'nothing was resolved');
  });

  it('does not follow redirects', async () => {
    const status = await post(`http://127.0.0.1:${receiver.port}/redirect`, { allowPrivate: true });
    assert.equal(status, 307);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(otherHits.length, 0, 'the Location target was never requested');
  });

  it('returns a failing status as it is', async () => {
    assert.equal(await post(`http://127.0.0.1:${receiver.port}/fail`, { allowPrivate: true }), 500);
  });

  it('times out a receiver that does not answer, and a resolution that does not end', async () => {
    const t0 = Date.now();
    await assert.rejects(post(`http://127.0.0.1:${receiver.port}/stall`, { allowPrivate: true, timeoutMs: 300 }), /timed out after 300 ms/);
    assert.ok(Date.now() - t0 < 2000);
    const never: HostResolver = () => new Promise(() => {});
    await assert.rejects(post('https://slow.example.test/', { allowPrivate: false, resolve: never, timeoutMs: 200 }), /timed out after 200 ms/);
  });

  it('reports a name that does not resolve', async () => {
    await assert.rejects(post('https://missing.example.test/', { allowPrivate: false, resolve: stubResolver({}) }), /ENOTFOUND/);
    await assert.rejects(post('https://empty.example.test/', { allowPrivate: false, resolve: stubResolver({ 'empty.example.test': [] }) }), /no address/);
  });
});
