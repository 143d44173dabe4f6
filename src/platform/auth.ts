import crypto from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from './errors.ts';
import type { PlatformTables } from './db.ts';

export const roles = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof roles)[number];

export type Scope = { cityId: string | null; departmentId: string | null };

/** Who is acting: an API token, or the local CLI through the control secret of a running server. */
export type Principal = {
  tokenId: string;
  label: string | null;
  role: Role;
  scope: Scope;
};

/** Where a record belongs, for scope checks. */
export type ScopeTarget = { cityId: string | null; departmentId: string | null };

const scopePattern = /^city:([a-z0-9_-]+)(?:\/dept:([a-z0-9_-]+))?$|^dept:([a-z0-9_-]+)$/;

/** Parses `city:<id>[/dept:<id>]` or `dept:<id>`; an empty string means no restriction. */
export function parseScope(text: string | undefined | null): Scope {
  if (!text) return { cityId: null, departmentId: null };
  const m = scopePattern.exec(text.trim());
  if (!m) throw new AppError('bad_scope', 400, 'error.validation', {}, [
    { field: 'scope', message: { zh: `范围格式应为 city:<城市>[/dept:<部门>]，收到“${text}”`, en: `scope must look like city:<id>[/dept:<id>], got "${text}"` } },
  ]);
  return { cityId: m[1] ?? null, departmentId: m[2] ?? m[3] ?? null };
}

export function formatScope(s: Scope): string {
  if (!s.cityId && !s.departmentId) return '*';
  if (!s.cityId) return `dept:${s.departmentId}`;
  return s.departmentId ? `city:${s.cityId}/dept:${s.departmentId}` : `city:${s.cityId}`;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): { id: string; token: string } {
  const id = `tok_${crypto.randomBytes(6).toString('hex')}`;
  const token = `xt_${crypto.randomBytes(32).toString('base64url')}`;
  return { id, token };
}

type Db = Kysely<PlatformTables> | Transaction<PlatformTables>;

export async function createToken(
  db: Db,
  input: { role: Role; scope: Scope; label: string | null; createdBy: string | null },
): Promise<{ id: string; token: string; row: TokenView }> {
  const { id, token } = generateToken();
  const row = await db
    .insertInto('auth_token')
    .values({
      id,
      label: input.label,
      role: input.role,
      city_id: input.scope.cityId,
      department_id: input.scope.departmentId,
      token_hash: hashToken(token),
      created_by: input.createdBy,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id, token, row: toTokenView(row) };
}

export type TokenView = {
  id: string;
  label: string | null;
  role: Role;
  scope: Scope;
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
};

export function toTokenView(r: Selectable<PlatformTables['auth_token']>): TokenView {
  return {
    id: r.id,
    label: r.label,
    role: r.role as Role,
    scope: { cityId: r.city_id, departmentId: r.department_id },
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  };
}

/**
 * Resolves bearer tokens to principals. A short cache keeps token checks off the database on hot
 * paths; revocation through this process clears it at once, elsewhere within `ttlMs`.
 */
export class TokenVerifier {
  private cache = new Map<string, { principal: Principal | null; until: number }>();
  constructor(
    private db: Kysely<PlatformTables>,
    private ttlMs = 5000,
    private localSecret: string | null = null,
  ) {}

  setLocalSecret(secret: string | null) {
    this.localSecret = secret;
  }

  async verify(token: string, fromLoopback: boolean): Promise<Principal | null> {
    if (this.localSecret && fromLoopback && token.length === this.localSecret.length &&
        crypto.timingSafeEqual(Buffer.from(token), Buffer.from(this.localSecret))) {
      return { tokenId: 'local-cli', label: 'local CLI', role: 'admin', scope: { cityId: null, departmentId: null } };
    }
    const h = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(h);
    if (hit && hit.until > now) return hit.principal;
    const row = await this.db.selectFrom('auth_token').selectAll().where('token_hash', '=', h).executeTakeFirst();
    const principal: Principal | null =
      row && !row.revoked_at
        ? { tokenId: row.id, label: row.label, role: row.role as Role, scope: { cityId: row.city_id, departmentId: row.department_id } }
        : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(h, { principal, until: now + this.ttlMs });
    return principal;
  }

  forget() {
    this.cache.clear();
  }
}

export function requireRole(p: Principal | null, allowed: readonly Role[]): Principal {
  if (!p) throw new AppError('unauthorized', 401, 'error.unauthorized');
  if (!allowed.includes(p.role)) {
    throw new AppError('forbidden', 403, 'error.forbidden.role', { role: p.role, need: allowed.join('/') });
  }
  return p;
}

/**
 * Editors write only inside their scope: a record's city (and department, when the token names one)
 * must match. Admins write everywhere; viewers nowhere.
 */
export function assertInScope(p: Principal, target: ScopeTarget, entity: string): void {
  if (p.role === 'admin') return;
  if (p.role !== 'editor') throw new AppError('forbidden', 403, 'error.forbidden.role', { role: p.role, need: 'admin/editor' });
  const { cityId, departmentId } = p.scope;
  if (cityId && target.cityId !== cityId) {
    throw new AppError('forbidden', 403, 'error.forbidden.scope', { scope: formatScope(p.scope), target: `city:${target.cityId ?? '-'}`, entity });
  }
  if (departmentId && target.departmentId !== departmentId) {
    throw new AppError('forbidden', 403, 'error.forbidden.scope', { scope: formatScope(p.scope), target: `dept:${target.departmentId ?? '-'}`, entity });
  }
}
