import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import fastifyRateLimit from '@fastify/rate-limit';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import { TokenVerifier, type Principal } from '../platform/auth.ts';
import { AppError } from '../platform/errors.ts';
import { pickLang, t, type Lang } from '../platform/i18n.ts';
import { RequestValidationError, buildProblem, errorToProblem, sendProblem } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    lang: Lang;
  }
}

export type AppDeps = {
  config: Config;
  db: Db;
  dbKind: 'pglite' | 'postgres';
  version: string;
  /** Local CLI secret accepted from loopback only (embedded mode). */
  localSecret?: string | null;
  logger?: boolean;
};

export type App = FastifyInstance & { verifier: TokenVerifier };

/** Domains plug their routes in with this signature. */
export type RouteModule = (app: FastifyInstance, deps: AppDeps & { verifier: TokenVerifier }) => void | Promise<void>;

function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');
}

export async function buildApp(deps: AppDeps, modules: RouteModule[]): Promise<App> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    genReqId: () => crypto.randomUUID(),
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  const verifier = new TokenVerifier(deps.db, 5000, deps.localSecret ?? null);

  // zod validates every request part; all issues are kept so that every bad field is reported.
  app.setValidatorCompiler(({ schema }) => {
    const s = schema as unknown as z.ZodType;
    return (data: unknown) => {
      const r = s.safeParse(data, { reportInput: true });
      if (r.success) return { value: r.data };
      return { error: new RequestValidationError(r.error.issues) } as never;
    };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.decorateRequest('principal', null);
  app.decorateRequest('lang', 'zh');

  app.addHook('onRequest', async (req) => {
    req.lang = pickLang(req.headers['accept-language']);
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!m) throw new AppError('unauthorized', 401, 'error.badToken');
      const p = await verifier.verify(m[1]!, isLoopback(req.ip));
      if (!p) throw new AppError('unauthorized', 401, 'error.badToken');
      req.principal = p;
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const lang = req.lang ?? pickLang(req.headers['accept-language']);
    const problem = errorToProblem(err as Error, req, lang);
    if (problem.status >= 500) req.log.error({ err }, 'request failed');
    if (problem.status === 429) {
      const retry = reply.getHeader('retry-after');
      if (retry) reply.header('retry-after', retry);
    }
    return sendProblem(reply, problem);
  });

  await app.register(fastifyRateLimit, {
    global: true,
    max: (req: FastifyRequest) => {
      const limit = req.principal ? config.rateLimitPerToken : config.rateLimitAnonymous;
      return limit === 0 ? Number.MAX_SAFE_INTEGER : limit;
    },
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => (req.principal ? `tok:${req.principal.tokenId}` : `ip:${req.ip}`),
    hook: 'preHandler',
    errorResponseBuilder: (req, ctx) => {
      const e = new Error(ctx.after) as Error & { statusCode: number };
      e.statusCode = 429;
      return e;
    },
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Xietong 协同 API',
        description:
          '京津冀协同发展开放平台（石家庄）。Open platform for Shijiazhuang\'s part of the Beijing–Tianjin–Hebei coordinated-development plan. ' +
          'Reads of public data need no token; every write needs `Authorization: Bearer <token>` and is audited. ' +
          'Errors are RFC 9457 application/problem+json in zh-CN or en (Accept-Language).',
        version: deps.version,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token from `xietong token create`' } },
      },
      tags: [
        { name: 'platform', description: '健康检查、令牌与审计 / health, tokens and audit' },
        { name: 'plan', description: '规划目标与重点项目 / plan goals and key projects' },
        { name: 'geo', description: '行政区划与城市 / boundaries and cities' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, docExpansion: 'list', deepLinking: true },
    staticCSP: true,
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { tags: ['platform'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['platform'], summary: 'Readiness: the database answers' } }, async (req, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready', database: deps.dbKind };
    } catch (e) {
      return sendProblem(reply, buildProblem(req, req.lang, 503, 'unavailable', t(req.lang, 'error.unavailable', { reason: String(e) })));
    }
  });

  const ctx = { ...deps, verifier };
  for (const m of modules) await app.register(async (scoped) => m(scoped, ctx));

  const webIndex = path.join(config.webDir, 'index.html');
  const hasWeb = fs.existsSync(webIndex);
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt dashboard is served without a restart.
    await app.register(fastifyStatic, { root: config.webDir, prefix: '/', wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const accept = req.headers.accept ?? '';
    const isApi = req.url.startsWith('/api/') || req.url === '/api';
    if (!isApi && req.method === 'GET' && hasWeb && accept.includes('text/html')) {
      return reply.type('text/html; charset=utf-8').send(fs.createReadStream(webIndex));
    }
    const lang = pickLang(req.headers['accept-language']);
    return sendProblem(reply, buildProblem(req, lang, 404, 'route_not_found', t(lang, 'error.routeNotFound', { method: req.method, url: req.url })));
  });

  const out = app as unknown as App;
  out.verifier = verifier;
  return out;
}
