import type { Kysely } from 'kysely';
import type { PlatformTables } from './db.ts';
import type { Principal } from './auth.ts';

export type AuditAction = 'create' | 'update' | 'delete';

export type AuditEntry = {
  principal: Principal;
  action: AuditAction;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId?: string | null;
};

/** Appends one audit record. Call it inside the transaction of the write it records. */
// Any database whose tables include the platform's (domains extend it with their own tables).
export async function appendAudit(db: Kysely<any>, e: AuditEntry): Promise<void> {
  await (db as Kysely<PlatformTables>)
    .insertInto('audit_log')
    .values({
      actor_token_id: e.principal.tokenId,
      actor_label: e.principal.label,
      actor_role: e.principal.role,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId,
      before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
      request_id: e.requestId ?? null,
    })
    .execute();
}

export type AuditQuery = {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  action?: AuditAction | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
};

export type AuditRecord = {
  id: number;
  at: string;
  actor: { tokenId: string | null; label: string | null; role: string | null };
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
};

export async function queryAudit(db: Kysely<PlatformTables>, q: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
  let base = db.selectFrom('audit_log');
  if (q.entityType) base = base.where('entity_type', '=', q.entityType);
  if (q.entityId) base = base.where('entity_id', '=', q.entityId);
  if (q.actor) base = base.where((eb) => eb.or([eb('actor_token_id', '=', q.actor!), eb('actor_label', '=', q.actor!)]));
  if (q.action) base = base.where('action', '=', q.action);
  if (q.from) base = base.where('at', '>=', new Date(q.from));
  if (q.to) base = base.where('at', '<', new Date(q.to));
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actor: { tokenId: r.actor_token_id, label: r.actor_label, role: r.actor_role },
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before ?? null,
      after: r.after ?? null,
      requestId: r.request_id,
    })),
  };
}
