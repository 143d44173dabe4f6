import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from '../../platform/auth.ts';
import { problemSchema } from '../../http/problem.ts';
import { AppError } from '../../platform/errors.ts';
import {
  ackInput,
  boardView,
  cityId,
  consultationCreate,
  consultationView,
  historyQuery,
  notificationDetail,
  notificationView,
  warningCreate,
  warningLift,
  warningView,
  webhookCreate,
  webhookCreated,
  webhookView,
} from './model.ts';
import type { LinkageService } from './linkage.service.ts';

const tags = ['air'];
const writers = ['admin', 'editor'] as const;
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const security = [{ bearer: [] }];
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) });
const numericId = z.object({ id: z.coerce.number().int().min(1) });
const lastEventId = z.coerce.number().int().min(0);

/** Joint warnings and regional linkage: /api/air/warnings…, /api/air/webhooks. */
export function linkageRoutes(service: LinkageService) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    // Open event streams would hold the server open: end them first; clients reconnect with Last-Event-ID.
    app.addHook('preClose', async () => service.endStreams());

    r.get(
      '/api/air/warnings/stream',
      {
        schema: {
          tags,
          summary: '预警通知推送（SSE）/ warning notifications as server-sent events',
          description:
            'text/event-stream of `notification` events for the city, one per warning action of another city of the region. ' +
            'The event id is the notification id: reconnect with the `Last-Event-ID` header (or `lastEventId`) to receive what was missed. ' +
            'Comment lines are heartbeats.',
          querystring: z.object({ city: cityId, lastEventId: lastEventId.optional() }).strict(),
          response: { 200: z.string().describe('text/event-stream'), 400: problemSchema },
        },
      },
      async (req, reply) => {
        const header = req.headers['last-event-id'];
        let last: number | null = req.query.lastEventId ?? null;
        if (typeof header === 'string' && header.trim() !== '') {
          const parsed = lastEventId.safeParse(header.trim());
          if (!parsed.success) {
            throw new AppError('validation', 400, 'error.validation', {}, [
              { field: 'Last-Event-ID', in: 'query', message: { zh: '应为通知编号（非负整数）', en: 'must be a notification id (a non-negative integer)' } },
            ]);
          }
          last = parsed.data;
        }
        await service.assertRegionCity(req.query.city, 'city');
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let closed = false;
        let unsubscribe: (() => void) | null = null;
        req.raw.on('close', () => {
          closed = true;
          unsubscribe?.();
        });
        const sink = {
          write: (c: string) => {
            if (closed || raw.destroyed) return false;
            raw.write(c);
            return true;
          },
          end: () => raw.end(),
        };
        try {
          unsubscribe = await service.subscribe(req.query.city, last, sink, req.ip);
          if (closed) unsubscribe();
        } catch (e) {
          req.log.warn({ err: String(e) }, 'warning stream failed');
          raw.end();
        }
      },
    );

    r.get(
      '/api/air/warnings/board',
      { schema: { tags, summary: '区域联动预警看板 / regional warning board: level per city, notifications and acknowledgements', response: { 200: boardView } } },
      async () => service.board(),
    );

    r.get(
      '/api/air/warnings',
      {
        schema: {
          tags,
          summary: '预警历史 / warning history (each issue, raise, lower and lift), newest first',
          querystring: historyQuery,
          response: { 200: z.object({ items: z.array(warningView) }), 400: problemSchema },
        },
      },
      async (req) => ({ items: await service.history(req.query) }),
    );

    r.post(
      '/api/air/warnings',
      {
        schema: {
          tags,
          summary: '发布、升级或降级预警 / issue, raise or lower a warning',
          description:
            'Admins, or editors whose token scope is the city. The action (issue/raise/lower) follows from the city\'s previous level; ' +
            'every other city of the region gets a notification. 409 when the level is unchanged.',
          security,
          body: warningCreate,
          response: { 201: warningView, ...errors },
        },
      },
      async (req, reply) => {
        const p = requireRole(req.principal, writers);
        const out = await service.issue(p, req.body, String(req.id));
        reply.code(201);
        return out;
      },
    );

    r.get(
      '/api/air/warnings/:id',
      { schema: { tags, summary: '一条预警及其通知 / one warning action with its notifications', params: idParams, response: { 200: warningView.extend({ notifications: z.array(notificationView) }), 404: problemSchema } } },
      async (req) => service.warningDetail(req.params.id),
    );

    r.post(
      '/api/air/warnings/:id/lift',
      {
        schema: {
          tags,
          summary: '解除预警 / lift a warning',
          description: 'Only the current warning of its city can be lifted (409 otherwise). Every other city of the region gets a lift notification.',
          security,
          params: idParams,
          body: warningLift,
          response: { 201: warningView, ...errors },
        },
      },
      async (req, reply) => {
        const p = requireRole(req.principal, writers);
        const out = await service.lift(p, req.params.id, req.body, String(req.id));
        reply.code(201);
        return out;
      },
    );

    r.get(
      '/api/air/warnings/notifications/:id',
      { schema: { tags, summary: '一条联动通知及其投递记录 / one notification with its delivery attempts', params: numericId, response: { 200: notificationDetail, 400: problemSchema, 404: problemSchema } } },
      async (req) => service.notification(req.params.id),
    );

    r.post(
      '/api/air/warnings/notifications/:id/ack',
      {
        schema: {
          tags,
          summary: '确认收到联动通知 / acknowledge a notification',
          description: 'By an editor of the target city (or an admin); 409 when already acknowledged.',
          security,
          params: numericId,
          body: ackInput.optional(),
          response: { 200: notificationView, ...errors },
        },
      },
      async (req) => service.acknowledge(requireRole(req.principal, writers), req.params.id, req.body ?? {}, String(req.id)),
    );

    r.get(
      '/api/air/warnings/:id/consultations',
      { schema: { tags, summary: '区域会商记录 / regional consultation records of a warning', params: idParams, response: { 200: z.object({ items: z.array(consultationView) }), 404: problemSchema } } },
      async (req) => ({ items: await service.consultations(req.params.id) }),
    );

    r.post(
      '/api/air/warnings/:id/consultations',
      {
        schema: {
          tags,
          summary: '记录区域会商 / record a regional consultation',
          description: 'Admins, or editors of the warning\'s city or of a participating city.',
          security,
          params: idParams,
          body: consultationCreate,
          response: { 201: consultationView, ...errors },
        },
      },
      async (req, reply) => {
        const p = requireRole(req.principal, writers);
        const out = await service.addConsultation(p, req.params.id, req.body, String(req.id));
        reply.code(201);
        return out;
      },
    );

    r.get(
      '/api/air/webhooks',
      {
        schema: {
          tags,
          summary: '联动通知 Webhook 列表 / notification webhooks',
          description: 'Admins see all (or `city`); editors see their city\'s.',
          security,
          querystring: z.object({ city: cityId.optional() }).strict(),
          response: { 200: z.object({ items: z.array(webhookView) }), ...errors },
        },
      },
      async (req) => ({ items: await service.listWebhooks(requireRole(req.principal, writers), req.query.city) }),
    );

    r.post(
      '/api/air/webhooks',
      {
        schema: {
          tags,
          summary: '登记联动通知 Webhook / register a notification webhook for a city',
          description:
            'Each notification to the city is POSTed as JSON with `X-Xietong-Signature: sha256=<HMAC of the body with the secret>`; ' +
            'non-2xx answers are retried with exponential backoff, a bounded number of times; redirects are not followed. ' +
            'Only http(s) URLs without credentials; 400 (field `url`) for a host on a loopback, private, link-local, unique-local, CGNAT, ' +
            'multicast, reserved or metadata address, or a local name such as localhost, unless the server sets XIETONG_WEBHOOK_ALLOW_PRIVATE. ' +
            'Each delivery resolves the host again and is refused when any address is in those ranges.',
          security,
          body: webhookCreate,
          response: { 201: webhookCreated, ...errors },
        },
      },
      async (req, reply) => {
        const p = requireRole(req.principal, writers);
        const out = await service.registerWebhook(p, req.body, String(req.id));
        reply.code(201);
        return out;
      },
    );

    r.delete(
      '/api/air/webhooks/:id',
      { schema: { tags, summary: '停用 Webhook / disable a webhook', security, params: idParams, response: { 200: webhookView, ...errors } } },
      async (req) => service.disableWebhook(requireRole(req.principal, writers), req.params.id, String(req.id)),
    );
  };
}
