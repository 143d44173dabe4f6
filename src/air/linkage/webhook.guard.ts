/**
 * SSRF guard of the linkage webhooks: which URLs a city editor may register, and which addresses the
 * dispatcher may connect to. Addresses are classified against the IANA IPv4 and IPv6 special-purpose
 * address registries (plus multicast, reserved space and cloud metadata endpoints); only globally
 * reachable unicast passes, unless the deployment allows private networks (XIETONG_WEBHOOK_ALLOW_PRIVATE).
 */

export type Text = { zh: string; en: string };
export type ForbiddenRange = { cidr: string; name: Text };

/** Longest accepted webhook URL (as given and after WHATWG normalisation). */
export const webhookUrlMaxLength = 2000;

type V4Range = { kind: 4; net: number; bits: number; cidr: string; name: Text };
type V6Range = { kind: 6; net: number[]; bits: number; cidr: string; name: Text };

const metadata: Text = { zh: '云平台元数据服务地址', en: 'cloud metadata endpoint' };

// Most specific first: the first match names the range.
const v4Table: [string, Text][] = [
  ['169.254.169.254/32', metadata], // AWS, GCP, Azure, OCI, OpenStack
  ['169.254.170.2/32', metadata], // AWS ECS task metadata
  ['100.100.100.200/32', metadata], // Alibaba Cloud
  ['168.63.129.16/32', metadata], // Azure WireServer (a public address only reachable inside Azure)
  ['255.255.255.255/32', { zh: '受限广播地址', en: 'limited broadcast (RFC 919)' }],
  ['0.0.0.0/8', { zh: '“本网络”/未指定地址', en: '"this network" / unspecified (RFC 791)' }],
  ['10.0.0.0/8', { zh: '私有地址', en: 'private-use (RFC 1918)' }],
  ['100.64.0.0/10', { zh: '运营商级 NAT 共享地址', en: 'shared address space / CGNAT (RFC 6598)' }],
  ['127.0.0.0/8', { zh: '环回地址', en: 'loopback (RFC 1122)' }],
  ['169.254.0.0/16', { zh: '链路本地地址', en: 'link-local (RFC 3927)' }],
  ['172.16.0.0/12', { zh: '私有地址', en: 'private-use (RFC 1918)' }],
  ['192.0.0.0/24', { zh: 'IETF 协议分配地址', en: 'IETF protocol assignments (RFC 6890)' }],
  ['192.0.2.0/24', { zh: '文档示例地址', en: 'documentation, TEST-NET-1 (RFC 5737)' }],
  ['192.88.99.0/24', { zh: '已废弃的 6to4 中继任播地址', en: 'deprecated 6to4 relay anycast (RFC 7526)' }],
  ['192.168.0.0/16', { zh: '私有地址', en: 'private-use (RFC 1918)' }],
  ['198.18.0.0/15', { zh: '网络测试地址', en: 'benchmarking (RFC 2544)' }],
  ['198.51.100.0/24', { zh: '文档示例地址', en: 'documentation, TEST-NET-2 (RFC 5737)' }],
  ['203.0.113.0/24', { zh: '文档示例地址', en: 'documentation, TEST-NET-3 (RFC 5737)' }],
  ['224.0.0.0/4', { zh: '组播地址', en: 'multicast (RFC 5771)' }],
  ['240.0.0.0/4', { zh: '保留地址', en: 'reserved (RFC 1112)' }],
];

const v6Table: [string, Text][] = [
  ['::/128', { zh: '未指定地址', en: 'unspecified (RFC 4291)' }],
  ['::1/128', { zh: '环回地址', en: 'loopback (RFC 4291)' }],
  ['::/96', { zh: '已废弃的 IPv4 兼容地址', en: 'deprecated IPv4-compatible (RFC 4291)' }],
  ['64:ff9b:1::/48', { zh: '本地 NAT64 地址', en: 'local-use IPv4/IPv6 translation (RFC 8215)' }],
  ['100::/64', { zh: '丢弃专用地址', en: 'discard-only (RFC 6666)' }],
  ['100:0:0:1::/64', { zh: '虚拟前缀', en: 'dummy prefix (RFC 9780)' }],
  ['2001::/32', { zh: 'Teredo 隧道地址', en: 'Teredo (RFC 4380)' }],
  ['2001:2::/48', { zh: '网络测试地址', en: 'benchmarking (RFC 5180)' }],
  ['2001:db8::/32', { zh: '文档示例地址', en: 'documentation (RFC 3849)' }],
  ['2001::/23', { zh: 'IETF 协议分配地址', en: 'IETF protocol assignments (RFC 2928)' }],
  ['2002::/16', { zh: '6to4 地址', en: '6to4 (RFC 3056, deprecated by RFC 7526)' }],
  ['3fff::/20', { zh: '文档示例地址', en: 'documentation (RFC 9637)' }],
  ['5f00::/16', { zh: 'SRv6 段标识', en: 'segment routing SIDs (RFC 9602)' }],
  ['fd00:ec2::254/128', metadata], // AWS (IPv6)
  ['fc00::/7', { zh: '唯一本地地址', en: 'unique-local (RFC 4193)' }],
  ['fe80::/10', { zh: '链路本地地址', en: 'link-local (RFC 4291)' }],
  ['fec0::/10', { zh: '已废弃的站点本地地址', en: 'deprecated site-local (RFC 3879)' }],
  ['ff00::/8', { zh: '组播地址', en: 'multicast (RFC 4291)' }],
];

const notGlobal6: ForbiddenRange = { cidr: '::/0 outside 2000::/3', name: { zh: '非全球单播地址', en: 'not global unicast (outside 2000::/3)' } };
const scoped: ForbiddenRange = { cidr: '%zone', name: { zh: '带作用域的地址', en: 'scoped (zone) address' } };
const invalid: ForbiddenRange = { cidr: '-', name: { zh: '不是 IP 地址', en: 'not an IP address' } };

/** Parses dotted-decimal IPv4 (four decimal octets, as WHATWG URL and getaddrinfo print them); null otherwise. */
export function parseIPv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return null; // no ambiguous octal-looking octets
    const o = Number(part);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v;
}

/** Parses IPv6 text (with `::`, an embedded dotted IPv4 tail, optional brackets) into 8 groups; null otherwise. */
export function parseIPv6(input: string): number[] | null {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s === '' || /[^0-9a-fA-F:.]/.test(s)) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    s = s.slice(0, lastColon + 1);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const group = (p: string): number[] | null => {
    if (p === '') return [];
    const out: number[] = [];
    for (const g of p.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  if (!head) return null;
  if (halves.length === 1) {
    const all = [...head, ...tail];
    return all.length === 8 ? all : null;
  }
  const rest = group(halves[1]!);
  if (!rest) return null;
  const known = head.length + rest.length + tail.length;
  if (known > 7) return null; // `::` stands for at least one group
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

function compile(): { v4: V4Range[]; v6: V6Range[] } {
  const v4 = v4Table.map(([cidr, name]): V4Range => {
    const [a, b] = cidr.split('/');
    return { kind: 4, net: parseIPv4(a!)!, bits: Number(b), cidr, name };
  });
  const v6 = v6Table.map(([cidr, name]): V6Range => {
    const [a, b] = cidr.split('/');
    return { kind: 6, net: parseIPv6(a!)!, bits: Number(b), cidr, name };
  });
  return { v4, v6 };
}
const ranges = compile();

function inV4(ip: number, r: V4Range): boolean {
  if (r.bits === 0) return true;
  const shift = 32 - r.bits;
  return Math.floor(ip / 2 ** shift) === Math.floor(r.net / 2 ** shift);
}

function inV6(g: number[], net: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((g[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

function classifyV4(ip: number): ForbiddenRange | null {
  const r = ranges.v4.find((x) => inV4(ip, x));
  return r ? { cidr: r.cidr, name: r.name } : null;
}

function classifyV6(g: number[]): ForbiddenRange | null {
  // IPv4-mapped (::ffff:0:0/96) and the NAT64 well-known prefix (64:ff9b::/96) reach the embedded IPv4 address.
  const embedded = (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) || (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0);
  if (embedded) {
    const r = classifyV4(g[6]! * 65536 + g[7]!);
    return r ? { cidr: r.cidr, name: { zh: `${r.name.zh}（IPv4 映射/转换）`, en: `${r.name.en}, IPv4-mapped/translated` } } : null;
  }
  const r = ranges.v6.find((x) => inV6(g, x.net, x.bits));
  if (r) return { cidr: r.cidr, name: r.name };
  if ((g[0]! & 0xe000) !== 0x2000) return notGlobal6;
  return null;
}

/**
 * The forbidden range an IP address (IPv4 dotted decimal or IPv6 text, brackets allowed) is in, or
 * null for a globally reachable unicast address. Anything that does not parse as an address is forbidden.
 */
export function forbiddenRange(address: string): ForbiddenRange | null {
  if (address.includes('%')) return scoped;
  const v4 = parseIPv4(address);
  if (v4 !== null) return classifyV4(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return classifyV6(v6);
  return invalid;
}

export function isForbiddenAddress(address: string): boolean {
  return forbiddenRange(address) !== null;
}

/** Names that resolve to this machine or the local network (RFC 6761, RFC 6762, RFC 8375, ICANN .internal). */
export function forbiddenHostName(hostname: string): Text | null {
  const h = hostname.toLowerCase().replace(/\.+$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain') return { zh: '本机名称', en: 'a name of this machine (localhost)' };
  for (const suffix of ['local', 'internal', 'localdomain', 'home.arpa', 'intranet', 'lan', 'corp', 'private']) {
    if (h === suffix || h.endsWith(`.${suffix}`)) return { zh: `本地网络名称（.${suffix}）`, en: `a local-network name (.${suffix})` };
  }
  if (!h.includes('.')) return { zh: '单标签主机名（会按本地搜索域解析）', en: 'a single-label host name (resolved through local search domains)' };
  return null;
}

export type UrlCheck = { ok: true; url: URL; host: string; literal: boolean } | { ok: false; reason: Text };

const refuse = (zh: string, en: string): UrlCheck => ({ ok: false, reason: { zh, en } });

/**
 * The registration policy of a webhook URL: http(s), no credentials, at most webhookUrlMaxLength
 * characters, and — unless private networks are allowed — a host that is neither a literal address
 * in a forbidden range nor a local name. `host` is the hostname to connect to (IPv6 without brackets).
 */
export function checkWebhookUrl(raw: string, opts: { allowPrivate: boolean }): UrlCheck {
  if (raw.length > webhookUrlMaxLength) return refuse(`URL 不能超过 ${webhookUrlMaxLength} 个字符`, `the URL must be at most ${webhookUrlMaxLength} characters`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return refuse('不是有效的 URL', 'not a valid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return refuse('只接受 http 或 https URL', 'only http and https URLs are accepted');
  if (u.username !== '' || u.password !== '') return refuse('URL 中不能包含用户名或密码', 'the URL must not contain a user name or password');
  if (u.href.length > webhookUrlMaxLength) return refuse(`URL 不能超过 ${webhookUrlMaxLength} 个字符`, `the URL must be at most ${webhookUrlMaxLength} characters`);
  if (u.hostname === '') return refuse('URL 缺少主机名', 'the URL has no host');
  const bracketed = u.hostname.startsWith('[');
  const host = bracketed ? u.hostname.slice(1, -1) : u.hostname;
  const literal = bracketed || parseIPv4(host) !== null;
  if (!opts.allowPrivate) {
    if (literal) {
      const r = forbiddenRange(host);
      if (r) return refuse(`不允许的目标地址 ${host}：${r.name.zh}`, `target address ${host} is not allowed: ${r.name.en}`);
    } else {
      const n = forbiddenHostName(host);
      if (n) return refuse(`不允许的主机名 ${host}：${n.zh}`, `host ${host} is not allowed: ${n.en}`);
    }
  }
  return { ok: true, url: u, host, literal };
}
