import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkWebhookUrl, forbiddenRange, parseIPv6, webhookUrlMaxLength } from '../../../../src/air/linkage/webhook.guard.ts';

// ---- the test's own view of the registries (independent of the code under test) ----

/** IANA IPv4 special-purpose registry entries that are not globally reachable, plus multicast, reserved and metadata. */
const forbidden4: [string, string][] = [
  ['0.0.0.0/8', 'this network'],
  ['10.0.0.0/8', 'private-use'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private-use'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'TEST-NET-1'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private-use'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'TEST-NET-2'],
  ['203.0.113.0/24', 'TEST-NET-3'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'limited broadcast'],
  ['168.63.129.16/32', 'Azure WireServer (metadata)'],
];

/** IANA IPv6 special-purpose registry entries that are not globally reachable (or embed/relay to IPv4), plus the non-unicast space. */
const forbidden6: [string, string][] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv4-compatible'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['100:0:0:1::/64', 'dummy prefix'],
  ['2001::/23', 'IETF protocol assignments'],
  ['2001::/32', 'Teredo'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:db8::/32', 'documentation'],
  ['2002::/16', '6to4'],
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'SRv6 SIDs'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
  ['4000::/2', 'outside global unicast 2000::/3'],
  ['8000::/1', 'outside global unicast 2000::/3'],
];

const v4ToInt = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const intToV4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Independent IPv6 expansion for the test (simple: only the `::` forms the test itself writes). */
function v6Groups(s: string): number[] {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':').map((g) => parseInt(g, 16)) : [];
  if (tail === null) return h;
  const t = tail ? tail.split(':').map((g) => parseInt(g, 16)) : [];
  return [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
}
const fmt6 = (g: number[]) => g.map((x) => x.toString(16)).join(':');

const in4 = (ip: number, cidr: string) => {
  const [net, bits] = cidr.split('/');
  const b = Number(bits);
  return b === 0 || Math.floor(ip / 2 ** (32 - b)) === Math.floor(v4ToInt(net!) / 2 ** (32 - b));
};
const in6 = (g: number[], cidr: string) => {
  const [net, bits] = cidr.split('/');
  const n = v6Groups(net!);
  let b = Number(bits);
  for (let i = 0; b > 0; i++, b -= 16) {
    const shift = 16 - Math.min(16, b);
    if (g[i]! >> shift !== n[i]! >> shift) return false;
  }
  return true;
};
const isForbidden4 = (ip: number) => forbidden4.some(([c]) => in4(ip, c));
const embedsV4 = (g: number[]) => (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0));

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const group = fc.integer({ min: 0, max: 0xffff });
const groups8 = fc.array(group, { minLength: 8, maxLength: 8 });

/** A random IPv4 address inside `cidr`. */
const inside4 = (cidr: string) => {
  const [net, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return fc.integer({ min: 0, max: size - 1 }).map((off) => v4ToInt(net!) + off);
};
/** A random IPv6 address inside `cidr` (groups). */
const inside6 = (cidr: string) => {
  const [net, bits] = cidr.split('/');
  const n = v6Groups(net!);
  const b = Number(bits);
  return groups8.map((r) =>
    r.map((x, i) => {
      const fixed = Math.max(0, Math.min(16, b - 16 * i));
      const mask = fixed === 0 ? 0 : (0xffff << (16 - fixed)) & 0xffff;
      return (n[i]! & mask) | (x & ~mask & 0xffff);
    }),
  );
};
const public4 = uint32.filter((ip) => !isForbidden4(ip));
const public6 = groups8.map((g) => [0x2000 | (g[0]! & 0x1fff), ...g.slice(1)]).filter((g) => !forbidden6.some(([c]) => in6(g, c)));

describe('linkage webhooks: address classifier', () => {
  // Examples at and around the edges of the registry entries: true = refused.
  const cases: [string, boolean][] = [
    ['0.0.0.0', true],
    ['0.255.255.255', true],
    ['1.0.0.0', false],
    ['1.1.1.1', false],
    ['8.8.8.8', false],
    ['9.255.255.255', false],
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['100.63.255.255', false],
    ['100.64.0.0', true],
    ['100.100.100.200', true],
    ['100.127.255.255', true],
    ['100.128.0.0', false],
    ['126.255.255.255', false],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['168.63.129.16', true],
    ['169.253.255.255', false],
    ['169.254.0.1', true],
    ['169.254.169.254', true],
    ['169.254.170.2', true],
    ['169.255.0.0', false],
    ['172.15.255.255', false],
    ['172.16.0.0', true],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
    ['192.0.0.8', true],
    ['192.0.0.170', true],
    ['192.0.1.0', false],
    ['192.0.2.1', true],
    ['192.31.196.1', false], // AS112-v4: globally reachable
    ['192.52.193.1', false], // AMT: globally reachable
    ['192.88.99.1', true],
    ['192.167.255.255', false],
    ['192.168.0.1', true],
    ['192.168.255.255', true],
    ['192.169.0.0', false],
    ['192.175.48.1', false], // AS112 direct delegation: globally reachable
    ['198.17.255.255', false],
    ['198.18.0.0', true],
    ['198.19.255.255', true],
    ['198.20.0.0', false],
    ['198.51.100.7', true],
    ['203.0.113.9', true],
    ['223.255.255.255', false],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['240.0.0.1', true],
    ['255.255.255.255', true],
    ['::', true],
    ['::1', true],
    ['[::1]', true],
    ['::127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['0:0:0:0:0:ffff:a9fe:a9fe', true],
    ['::ffff:10.1.2.3', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::1', true],
    ['100::1', true],
    ['2001::1', true],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
    ['2001:2::1', true],
    ['2001:db8::1', true],
    ['2001:1ff:ffff::1', true],
    ['2001:200::1', false],
    ['2001:4860:4860::8888', false],
    ['2002:7f00:1::1', true],
    ['2400:3200::1', false],
    ['2606:4700:4700::1111', false],
    ['2620:4f:8000::1', false], // AS112 direct delegation: globally reachable
    ['3ffe:ffff::1', false],
    ['3fff::1', true],
    ['4000::1', true],
    ['5f00::1', true],
    ['fc00::1', true],
    ['fd00:ec2::254', true],
    ['fdff:ffff::1', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['febf:ffff::1', true],
    ['fec0::1', true],
    ['ff02::1', true],
    ['ff0e::1', true],
    // Not addresses (or not canonical text): refused.
    ['example.com', true],
    ['1.2.3', true],
    ['01.2.3.4', true],
    ['256.1.1.1', true],
    ['', true],
    [':::', true],
    ['1::2::3', true],
    ['1:2:3:4:5:6:7:8:9', true],
  ];
  for (const [addr, refused] of cases) {
    it(`${addr || '(empty)'} is ${refused ? 'refused' : 'allowed'}`, () => {
      const r = forbiddenRange(addr);
      assert.equal(r !== null, refused, r ? `${r.cidr} ${r.name.en}` : 'public');
      if (r) assert.ok(r.name.zh && r.name.en, 'the refusal is named in both languages');
    });
  }

  it('parses every IPv6 text form to the same groups', () => {
    fc.assert(
      fc.property(groups8, (g) => {
        assert.deepEqual(parseIPv6(g.map((x) => x.toString(16).padStart(4, '0')).join(':')), g);
        assert.deepEqual(parseIPv6(fmt6(g)), g);
        // The canonical (compressed) text of WHATWG URL.
        const host = new URL(`http://[${fmt6(g)}]/`).hostname;
        assert.deepEqual(parseIPv6(host), g, host);
      }),
    );
  });

  it('allows random public IPv4 addresses', () => {
    fc.assert(fc.property(public4, (ip) => assert.equal(forbiddenRange(intToV4(ip)), null, intToV4(ip))), { numRuns: 2000 });
  });

  it('allows random public IPv6 addresses (and public IPv4 mapped or NAT64-translated)', () => {
    fc.assert(fc.property(public6, (g) => assert.equal(forbiddenRange(fmt6(g)), null, fmt6(g))), { numRuns: 2000 });
    fc.assert(
      fc.property(public4, (ip) => {
        assert.equal(forbiddenRange(`::ffff:${intToV4(ip)}`), null);
        assert.equal(forbiddenRange(`::ffff:${(ip >>> 16).toString(16)}:${(ip & 0xffff).toString(16)}`), null);
        assert.equal(forbiddenRange(`64:ff9b::${intToV4(ip)}`), null);
      }),
    );
  });

  for (const [cidr, what] of forbidden4) {
    it(`refuses random addresses in ${cidr} (${what}), also IPv4-mapped and NAT64-translated`, () => {
      fc.assert(
        fc.property(inside4(cidr), (ip) => {
          const s = intToV4(ip);
          assert.ok(in4(ip, cidr));
          assert.notEqual(forbiddenRange(s), null, s);
          assert.notEqual(forbiddenRange(`::ffff:${s}`), null, `::ffff:${s}`);
          assert.notEqual(forbiddenRange(`::ffff:${(ip >>> 16).toString(16)}:${(ip & 0xffff).toString(16)}`), null);
          assert.notEqual(forbiddenRange(`64:ff9b::${s}`), null, `64:ff9b::${s}`);
        }),
        { numRuns: 200 },
      );
    });
  }

  for (const [cidr, what] of forbidden6) {
    it(`refuses random addresses in ${cidr} (${what})`, () => {
      fc.assert(
        fc.property(
          inside6(cidr).filter((g) => !embedsV4(g)),
          (g) => {
            assert.ok(in6(g, cidr));
            assert.notEqual(forbiddenRange(fmt6(g)), null, fmt6(g));
            assert.notEqual(forbiddenRange(`[${fmt6(g)}]`), null);
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});

describe('linkage webhooks: URL policy at registration', () => {
  const deny = { allowPrivate: false };
  const allow = { allowPrivate: true };
  const refused: [string, RegExp][] = [
    ['ftp://example.com/x', /http/],
    ['file:///etc/passwd', /http/],
    ['javascript:alert(1)', /http/],
    ['gopher://example.com:70/', /http/],
    ['not a url', /valid URL/],
    ['https://user:pw@hooks.example.com/x', /user name or password/],
    ['https://user@hooks.example.com/x', /user name or password/],
    ['https://:pw@hooks.example.com/x', /user name or password/],
    [`https://hooks.example.com/${'a'.repeat(webhookUrlMaxLength)}`, /at most/],
    ['http://localhost/', /localhost/],
    ['http://LOCALHOST./hook', /localhost/],
    ['http://api.localhost:8080/', /localhost/],
    ['http://metadata.google.internal/computeMetadata/v1/', /\.internal/],
    ['http://printer.local/', /\.local/],
    ['http://router.home.arpa/', /home\.arpa/],
    ['http://intranet/', /\.intranet/],
    ['http://webhooks:8080/', /single-label/],
    ['http://127.0.0.1/', /loopback/],
    ['http://127.1/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f000001/', /loopback/],
    ['http://0177.0.0.1/', /loopback/],
    ['http://0x7f.0.0.1/', /loopback/],
    ['http://127.0.0.1./', /loopback/],
    ['http://１２７．０．０．１/', /loopback/],
    ['http://0/', /this network/],
    ['http://0.0.0.0:8080/', /this network/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://100.100.100.200/', /metadata/],
    ['http://10.0.0.1/', /private/],
    ['http://192.168.1.1:8443/hook', /private/],
    ['http://100.64.1.1/', /CGNAT/],
    ['http://[::1]:3000/', /loopback/],
    ['http://[::]/', /unspecified/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', /loopback/],
    ['http://[64:ff9b::169.254.169.254]/', /metadata/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[fc00::1]/', /unique-local/],
    ['http://[ff02::1]/', /multicast/],
    ['http://224.0.0.251/', /multicast/],
    ['http://255.255.255.255/', /broadcast/],
  ];
  for (const [url, why] of refused) {
    it(`refuses ${url.length > 60 ? `${url.slice(0, 60)}…` : url}`, () => {
      const r = checkWebhookUrl(url, deny);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.reason.en, why);
        assert.ok(r.reason.zh.length > 0);
      }
    });
  }

  const accepted = ['https://hooks.example.com/xietong?city=beijing', 'http://8.8.8.8/', 'http://[2001:4860:4860::8888]:8080/x', 'https://hooks.example.com:8443/', 'https://例子.中国/hook'];
  for (const url of accepted) {
    it(`accepts ${url}`, () => {
      const r = checkWebhookUrl(url, deny);
      assert.equal(r.ok, true, r.ok ? '' : r.reason.en);
    });
  }

  it('with private networks allowed, local hosts pass but scheme, credentials and length still apply', () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/', 'http://[::1]/', 'http://intranet/', 'http://10.1.2.3/']) {
      assert.equal(checkWebhookUrl(url, allow).ok, true, url);
    }
    for (const url of ['ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', `http://127.0.0.1/${'x'.repeat(webhookUrlMaxLength)}`]) {
      assert.equal(checkWebhookUrl(url, allow).ok, false, url);
    }
  });

  it('refuses every WHATWG spelling (decimal, hex, octal, short forms) of a forbidden IPv4 address', () => {
    const spellings = (ip: number) => {
      const o = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
      return [
        intToV4(ip),
        String(ip),
        `0x${ip.toString(16)}`,
        `0${ip.toString(8)}`,
        o.map((x) => `0${x.toString(8)}`).join('.'),
        o.map((x) => `0x${x.toString(16)}`).join('.'),
        `${o[0]}.${ip & 0xffffff}`,
        `${o[0]}.${o[1]}.${ip & 0xffff}`,
        `0x${o[0]!.toString(16)}.0${o[1]!.toString(8)}.${o[2]}.${o[3]}`,
        `[::ffff:${intToV4(ip)}]`,
      ];
    };
    fc.assert(
      fc.property(fc.constantFrom(...forbidden4.map(([c]) => c)).chain(inside4), (ip) => {
        for (const host of spellings(ip)) {
          const r = checkWebhookUrl(`http://${host}:8080/hook`, deny);
          assert.equal(r.ok, false, host);
          assert.equal(checkWebhookUrl(`http://${host}:8080/hook`, allow).ok, true, host);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(public4, (ip) => {
        for (const host of spellings(ip)) {
          const r = checkWebhookUrl(`https://${host}/hook`, deny);
          assert.equal(r.ok, true, host);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses random forbidden IPv6 literals in any spelling', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...forbidden6.map(([c]) => c))
          .chain(inside6)
          .filter((g) => !embedsV4(g)),
        (g) => {
          const full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
          assert.equal(checkWebhookUrl(`http://[${full}]/`, deny).ok, false, full);
          assert.equal(checkWebhookUrl(`http://[${full.toUpperCase()}]:80/`, deny).ok, false, full);
        },
      ),
      { numRuns: 500 },
    );
  });
});
