import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from '../platform/auth.ts';
import { problemSchema } from '../http/problem.ts';
import {
  goalCreate,
  goalPatch,
  goalView,
  idSlug,
  lightColors,
  namedItem,
  pillarView,
  projectCreate,
  projectPatch,
  projectStatuses,
  projectView,
} from './model.ts';
import type { PlanService } from './plan.service.ts';
import type { ResponseCache } from '../platform/response-cache.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

const goalTables = ['plan_goal', 'plan_indicator', 'plan_pillar'];
const projectTables = ['plan_project', 'plan_milestone', 'plan_light_rule', 'plan_category', 'plan_department'];

/** Sends a cached, pre-encoded JSON body; answers a matching If-None-Match with 304. */
async function sendCached(req: FastifyRequest, reply: FastifyReply, cached: { body: Buffer; etag: string }) {
  reply.header('etag', cached.etag).header('cache-control', 'no-cache');
  if (req.headers['if-none-match'] === cached.etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(cached.body);
}

const writers = ['admin', 'editor'] as const;
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const security = [{ bearer: [] }];
const idParams = z.object({ id: idSlug });

export function planRoutes(service: PlanService, cache: ResponseCache) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['plan'];

    r.get('/api/plan/pillars', { schema: { tags, summary: '重点领域 / pillars', response: { 200: z.object({ items: z.array(pillarView) }) } } }, async (req, reply) =>
      sendCached(req, reply, await cache.get('pillars', goalTables, async () => ({ items: await service.pillars() }))),
    );
    r.get('/api/plan/categories', { schema: { tags, summary: '项目类别 / key-project categories', response: { 200: z.object({ items: z.array(namedItem) }) } } }, async () => ({
      items: await service.categories(),
    }));
    r.get('/api/plan/departments', { schema: { tags, summary: '责任部门 / departments', response: { 200: z.object({ items: z.array(namedItem) }) } } }, async () => ({
      items: await service.departments(),
    }));

    r.get(
      '/api/plan/goals',
      {
        schema: {
          tags,
          summary: '规划目标及指标 / goals with their indicators',
          querystring: z.object({ pillar: idSlug.optional() }).strict(),
          response: { 200: z.object({ items: z.array(goalView) }), 400: problemSchema },
        },
      },
      async (req, reply) =>
        sendCached(req, reply, await cache.get(`goals:${req.query.pillar ?? ''}`, goalTables, async () => ({ items: await service.listGoals(req.query.pillar) }))),
    );
    r.get('/api/plan/goals/:id', { schema: { tags, summary: '一个目标 / one goal', params: idParams, response: { 200: goalView, ...errors } } }, async (req) =>
      service.getGoal(req.params.id),
    );
    r.post(
      '/api/plan/goals',
      { schema: { tags, summary: '新建目标 / create a goal', security, body: goalCreate, response: { 201: goalView, ...errors } } },
      async (req, reply) => {
        const p = requireRole(req.principal, writers);
        reply.code(201);
        return service.createGoal(p, req.body, String(req.id));
      },
    );
    r.patch(
      '/api/plan/goals/:id',
      { schema: { tags, summary: '修改目标 / update a goal', security, params: idParams, body: goalPatch, response: { 200: goalView, ...errors } } },
      async (req) => service.patchGoal(requireRole(req.principal, writers), req.params.id, req.body, String(req.id)),
    );
    r.delete(
      '/api/plan/goals/:id',
      { schema: { tags, summary: '删除目标 / delete a goal', security, params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await service.deleteGoal(requireRole(req.principal, writers), req.params.id, String(req.id));
        return reply.code(204).send(null);
      },
    );

    r.get(
      '/api/plan/projects',
      {
        schema: {
          tags,
          summary: '重点项目及红黄绿灯 / key projects with status lights',
          querystring: z
            .object({
              category: idSlug.optional(),
              city: idSlug.optional(),
              status: z.enum(projectStatuses).optional(),
              department: idSlug.optional(),
              light: z.enum(lightColors).optional(),
              asOf: z.iso.date().optional().describe('evaluate lights at this date (default: today, Asia/Shanghai)'),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(projectView), total: z.number() }), 400: problemSchema },
        },
      },
      async (req, reply) => {
        // Lights depend on the evaluation date: today's date is part of the key.
        const key = `projects:${service.today()}:${JSON.stringify(req.query)}`;
        return sendCached(
          req,
          reply,
          await cache.get(key, projectTables, async () => {
            const items = await service.listProjects(req.query);
            return { items, total: items.length };
          }),
        );
      },
    );
    r.get(
      '/api/plan/projects/:id',
      {
        schema: {
          tags,
          summary: '一个重点项目 / one key project',
          params: idParams,
          querystring: z.object({ asOf: z.iso.date().optional() }).strict(),
          response: { 200: projectView, ...errors },
        },
      },
      async (req) => service.getProject(req.params.id, undefined, req.query.asOf),
    );
    r.post(
      '/api/plan/projects',
      { schema: { tags, summary: '新建重点项目 / create a key project', security, body: projectCreate, response: { 201: projectView, ...errors } } },
      async (req, reply) => {
        const p = requireRole(req.principal, writers);
        reply.code(201);
        return service.createProject(p, req.body, String(req.id));
      },
    );
    r.patch(
      '/api/plan/projects/:id',
      {
        schema: {
          tags,
          summary: '修改重点项目（状态、里程碑…）/ update a key project',
          description: 'Send `version` for optimistic concurrency (409 when someone else changed it). `milestones` replaces the whole list.',
          security,
          params: idParams,
          body: projectPatch,
          response: { 200: projectView, ...errors },
        },
      },
      async (req) => service.patchProject(requireRole(req.principal, writers), req.params.id, req.body, String(req.id)),
    );
    r.delete(
      '/api/plan/projects/:id',
      { schema: { tags, summary: '删除重点项目 / delete a key project', security, params: idParams, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await service.deleteProject(requireRole(req.principal, writers), req.params.id, String(req.id));
        return reply.code(204).send(null);
      },
    );
  };
}
