import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createToken, parseScope, requireRole, roles, toTokenView, type TokenVerifier } from '../platform/auth.ts';
import { appendAudit, queryAudit } from '../platform/audit.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { Db } from '../platform/db.ts';
import { problemSchema } from './problem.ts';

const scopeView = z.object({ cityId: z.string().nullable(), departmentId: z.string().nullable() });
const tokenView = z
  .object({ id: z.string(), label: z.string().nullable(), role: z.enum(roles), scope: scopeView, createdAt: z.string(), createdBy: z.string().nullable(), revokedAt: z.string().nullable() })
  .meta({ id: 'Token' });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const security = [{ bearer: [] }];

export function platformRoutes(db: Db, verifier: TokenVerifier) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['platform'];

    r.get(
      '/api/me',
      {
        schema: {
          tags,
          summary: '当前令牌 / who am I',
          response: {
            200: z.union([
              z.object({ authenticated: z.literal(false) }),
              z.object({ authenticated: z.literal(true), tokenId: z.string(), label: z.string().nullable(), role: z.enum(roles), scope: scopeView }),
            ]),
            401: problemSchema,
          },
        },
      },
      async (req) =>
        req.principal
          ? { authenticated: true as const, tokenId: req.principal.tokenId, label: req.principal.label, role: req.principal.role, scope: req.principal.scope }
          : { authenticated: false as const },
    );

    r.get(
      '/api/tokens',
      { schema: { tags, summary: 'API 令牌列表（管理员）/ list tokens (admin)', security, response: { 200: z.object({ items: z.array(tokenView) }), ...errors } } },
      async (req) => {
        requireRole(req.principal, ['admin']);
        const rows = await db.selectFrom('auth_token').selectAll().orderBy('created_at').execute();
        return { items: rows.map(toTokenView) };
      },
    );

    r.post(
      '/api/tokens',
      {
        schema: {
          tags,
          summary: '新建 API 令牌（管理员）/ create a token (admin); the secret is shown once',
          security,
          body: z
            .object({
              role: z.enum(roles),
              scope: z.string().max(200).optional().describe('city:<id>[/dept:<id>] or dept:<id>; empty = everything'),
              label: z.string().trim().min(1).max(200).optional(),
            })
            .strict(),
          response: { 201: tokenView.extend({ token: z.string() }), ...errors },
        },
      },
      async (req, reply) => {
        const p = requireRole(req.principal, ['admin']);
        const scope = parseScope(req.body.scope);
        const out = await db.transaction().execute(async (tx) => {
          const created = await createToken(tx, { role: req.body.role, scope, label: req.body.label ?? null, createdBy: p.tokenId });
          await appendAudit(tx, { principal: p, action: 'create', entityType: 'platform.token', entityId: created.id, before: null, after: created.row, requestId: String(req.id) });
          return created;
        });
        reply.code(201);
        return { ...out.row, token: out.token };
      },
    );

    r.delete(
      '/api/tokens/:id',
      { schema: { tags, summary: '吊销令牌（管理员）/ revoke a token (admin)', security, params: z.object({ id: z.string().max(100) }), response: { 200: tokenView, ...errors } } },
      async (req) => {
        const p = requireRole(req.principal, ['admin']);
        const out = await db.transaction().execute(async (tx) => {
          const row = await tx.selectFrom('auth_token').selectAll().where('id', '=', req.params.id).forUpdate().executeTakeFirst();
          if (!row) throw notFound('entity.token', req.params.id);
          if (row.revoked_at) return toTokenView(row);
          const updated = await tx.updateTable('auth_token').set({ revoked_at: new Date() }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
          await appendAudit(tx, { principal: p, action: 'update', entityType: 'platform.token', entityId: row.id, before: toTokenView(row), after: toTokenView(updated), requestId: String(req.id) });
          return toTokenView(updated);
        });
        verifier.forget();
        return out;
      },
    );

    r.get(
      '/api/audit',
      {
        schema: {
          tags,
          summary: '审计日志（管理员）/ audit log (admin)',
          security,
          querystring: z
            .object({
              entityType: z.string().max(100).optional(),
              entityId: z.string().max(200).optional(),
              actor: z.string().max(200).optional().describe('token id or label'),
              action: z.enum(['create', 'update', 'delete']).optional(),
              from: z.iso.datetime({ offset: true }).optional(),
              to: z.iso.datetime({ offset: true }).optional(),
              limit: z.coerce.number().int().min(1).max(500).default(50),
              offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
            })
            .strict(),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.number(),
                  at: z.string(),
                  actor: z.object({ tokenId: z.string().nullable(), label: z.string().nullable(), role: z.string().nullable() }),
                  action: z.string(),
                  entityType: z.string(),
                  entityId: z.string(),
                  before: z.unknown(),
                  after: z.unknown(),
                  requestId: z.string().nullable(),
                }),
              ),
              total: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (req) => {
        requireRole(req.principal, ['admin']);
        if (req.query.from && req.query.to && req.query.from > req.query.to) {
          throw new AppError('validation', 400, 'error.validation', {}, [{ field: 'to', message: { zh: '结束时间早于开始时间', en: 'to is before from' } }]);
        }
        return queryAudit(db, req.query);
      },
    );
  };
}
