import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { checkWebhookUrl, forbiddenRange } from './webhook.guard.ts';

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to every address (node:dns lookup with all:true by default; tests inject their own). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const all = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** A delivery the SSRF policy refused; `permanent` when the URL itself is refused (retrying cannot help). */
export class WebhookRefused extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'WebhookRefused';
  }
}

export type WebhookPost = {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Whole attempt: resolution, connection, request and response headers. */
  timeoutMs: number;
  allowPrivate: boolean;
  resolve?: HostResolver;
};

function withDeadline<T>(p: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  const timedOut = () => new Error(`timed out after ${timeoutMs} ms`);
  if (signal.aborted) return Promise.reject(timedOut());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timedOut());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * A `lookup` for net.connect that answers only with the addresses resolved and checked before the
 * request: the connection goes where the check looked, whatever DNS says by then (no rebinding).
 */
function pinnedLookup(hostname: string, addresses: ResolvedAddress[]) {
  return (name: string, options: { family?: number | string; all?: boolean } | number, cb: LookupCallback): void => {
    const o = typeof options === 'number' ? { family: options } : options;
    const fam = o.family === 'IPv4' ? 4 : o.family === 'IPv6' ? 6 : Number(o.family ?? 0);
    const usable = addresses.filter((a) => !fam || a.family === fam);
    if (name !== hostname || usable.length === 0) {
      const e: NodeJS.ErrnoException = new Error(`no checked address for ${name}`);
      e.code = 'ENOTFOUND';
      cb(e, '', 0);
      return;
    }
    if (o.all) cb(null, usable.map((a) => ({ address: a.address, family: a.family })));
    else cb(null, usable[0]!.address, usable[0]!.family);
  };
}

/**
 * POSTs a webhook notification under the SSRF policy: the URL is checked again (it may predate the
 * policy), the host is resolved and refused when any of its addresses is in a forbidden range, and the
 * connection is pinned to the checked addresses. Redirects are never followed (a 3xx is a failed attempt).
 * Resolves with the HTTP status; throws WebhookRefused, or the network/timeout error.
 */
export async function postWebhook(p: WebhookPost): Promise<number> {
  const check = checkWebhookUrl(p.url, { allowPrivate: p.allowPrivate });
  if (!check.ok) throw new WebhookRefused(`refused: ${check.reason.en}`, true);
  const { url, host, literal } = check;
  const signal = AbortSignal.timeout(p.timeoutMs);

  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: net.isIPv6(host) ? 6 : 4 }];
  } else {
    addresses = await withDeadline((p.resolve ?? systemResolver)(host), signal, p.timeoutMs);
    if (addresses.length === 0) throw new Error(`no address for ${host}`);
  }
  if (!p.allowPrivate) {
    for (const a of addresses) {
      const r = forbiddenRange(a.address);
      if (r) throw new WebhookRefused(`refused: ${host} resolves to ${a.address} (${r.name.en})`, false);
    }
  }

  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = mod.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...p.headers, 'content-length': String(Buffer.byteLength(p.body)) },
        // A fresh connection per attempt: a pooled socket could have been opened for another check.
        agent: false,
        lookup: pinnedLookup(host, addresses) as unknown as typeof dns.lookup,
        signal,
        ...(url.protocol === 'https:' && !literal ? { servername: host } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // Only the status matters: the body (and any Location) is not read.
        res.destroy();
        resolve(status);
      },
    );
    req.on('error', (e) => reject(signal.aborted ? new Error(`timed out after ${p.timeoutMs} ms`) : e));
    req.end(p.body);
  });
}
