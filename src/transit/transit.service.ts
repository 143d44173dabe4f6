import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Principal } from '../platform/auth.ts';
import { appendAudit } from '../platform/audit.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { readFeed, type ReadProgress } from './gtfs/reader.ts';
import type { GtfsFeed, ValidationReport } from './gtfs/feed.ts';
import { feedCounts, type FeedSummary, type TransitStore } from './transit.store.ts';
import { StopSearch } from './stop-search.ts';

export type ImportResult = { feedId: string; imported: boolean; report: ValidationReport; counts: Record<string, number> | null };

/** Who may change the regional network: admins, and editors of the transport department. */
export function assertTransitWriter(p: Principal | null): Principal {
  if (!p) throw new AppError('unauthorized', 401, 'error.unauthorized');
  if (p.role === 'admin') return p;
  if (p.role === 'editor' && p.scope.departmentId === 'transport' && !p.scope.cityId) return p;
  throw new AppError('forbidden', 403, 'error.forbidden.scope', { scope: `${p.role} ${p.scope.cityId ?? '*'}/${p.scope.departmentId ?? '*'}`, target: 'dept:transport', entity: 'transit' });
}

/**
 * Feeds of the regional network: import (validate → store atomically → audit), listing, and the
 * in-memory feeds the router builds its network from (reloaded when the stored feeds change).
 */
export class TransitService {
  private loaded: { version: string; feeds: GtfsFeed[]; search: StopSearch } | null = null;
  private loading: Promise<{ version: string; feeds: GtfsFeed[]; search: StopSearch }> | null = null;

  constructor(
    readonly store: TransitStore,
    private announce: (table: string) => void = () => {},
  ) {}

  listFeeds(): Promise<FeedSummary[]> {
    return this.store.listFeeds();
  }

  async getFeed(id: string): Promise<FeedSummary & { report: ValidationReport }> {
    const row = await this.store.db.selectFrom('transit_feed').select(['report']).where('id', '=', id).executeTakeFirst();
    const summary = (await this.store.listFeeds()).find((f) => f.id === id);
    if (!row || !summary) throw notFound('entity.feed', id);
    return { ...summary, report: row.report as ValidationReport };
  }

  /**
   * Reads and validates a feed; errors reject it with the full report and change nothing; otherwise it
   * replaces the stored feed of the same id in one transaction.
   */
  async importFeed(
    p: Principal,
    source: string,
    opts: { feedId?: string; label?: { zh: string; en: string } | null; onProgress?: (x: ReadProgress) => void; requestId?: string; sourceName?: string } = {},
  ): Promise<ImportResult> {
    const { feed, report } = await readFeed(source, { ...(opts.feedId ? { feedId: opts.feedId } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    if (!feed) return { feedId: report.feedId, imported: false, report, counts: null };
    const before = (await this.store.listFeeds()).find((f) => f.id === feed.feedId) ?? null;
    await this.store.db.transaction().execute(async (tx) => {
      await this.store.saveFeed(tx, feed, report, opts.sourceName ?? path.basename(source), opts.label ?? null);
      await appendAudit(tx, {
        principal: p,
        action: before ? 'update' : 'create',
        entityType: 'transit.feed',
        entityId: feed.feedId,
        before,
        after: { id: feed.feedId, source: opts.sourceName ?? path.basename(source), counts: feedCounts(feed), errors: report.errors, warnings: report.warnings },
        requestId: opts.requestId ?? null,
      });
    });
    this.loaded = null;
    this.announce('transit_feed');
    return { feedId: feed.feedId, imported: true, report, counts: feedCounts(feed) };
  }

  /** Imports an uploaded zip (HTTP body) through a temporary file. */
  async importUpload(p: Principal, body: Buffer, feedId: string, requestId?: string): Promise<ImportResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xietong-upload-'));
    const file = path.join(dir, `${feedId}.zip`);
    try {
      fs.writeFileSync(file, body);
      return await this.importFeed(p, file, { feedId, ...(requestId ? { requestId } : {}), sourceName: `upload:${feedId}.zip` });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async deleteFeed(p: Principal, id: string, requestId?: string): Promise<void> {
    const before = (await this.store.listFeeds()).find((f) => f.id === id);
    if (!before) throw notFound('entity.feed', id);
    await this.store.db.transaction().execute(async (tx) => {
      await this.store.deleteFeed(tx, id);
      await appendAudit(tx, { principal: p, action: 'delete', entityType: 'transit.feed', entityId: id, before, after: null, requestId: requestId ?? null });
    });
    this.loaded = null;
    this.announce('transit_feed');
  }

  /** The stored feeds in memory, reloaded when any process changed them (checked per call, cheaply). */
  async current(): Promise<{ version: string; feeds: GtfsFeed[]; search: StopSearch }> {
    const version = await this.store.feedVersion();
    if (this.loaded && this.loaded.version === version) return this.loaded;
    if (!this.loading) {
      this.loading = (async () => {
        const feeds = await this.store.loadFeeds();
        const loaded = { version, feeds, search: new StopSearch(feeds) };
        this.loaded = loaded;
        return loaded;
      })().finally(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }
}
