import { z } from 'zod';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../http/problem.ts';
import { AppError } from '../platform/errors.ts';
import { FEED_ID_PATTERN } from './gtfs/reader.ts';
import { assertTransitWriter, type TransitService } from './transit.service.ts';
import { planToGeoJson, type TransitPlanner } from './transit.planner.ts';

const text = z.object({ zh: z.string(), en: z.string() });
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const place = z.string().trim().min(1).max(200).describe('feedId:stopId (a station means all its platforms), or "lat,lon"');
const planQuery = z
  .object({
    from: place,
    to: place,
    date: z.iso.date().optional().describe('service date (default: today, Asia/Shanghai)'),
    time: z.string().regex(/^\d{1,2}:\d{2}(:\d{2})?$/).optional().describe('HH:MM[:SS] (default: now); may exceed 24:00'),
    arriveBy: bool.optional(),
    window: z.coerce.number().int().min(1).max(180).optional().describe('range query: every Pareto-optimal journey departing within this many minutes'),
    maxTransfers: z.coerce.number().int().min(0).max(8).optional(),
    modes: z.string().max(200).optional().describe('comma-separated GTFS route types or mode names (RAIL, SUBWAY, BUS, …)'),
    wheelchair: bool.optional(),
    format: z.enum(['json', 'geojson']).optional(),
  })
  .strict();
const names = z.record(z.string(), z.string()).describe('translations by language (GTFS translations.txt), e.g. en, zh-Latn-pinyin');
const placeView = z.object({ id: z.string().nullable(), name: z.string().nullable(), names, lat: z.number(), lon: z.number() });
const legView = z
  .object({
    mode: z.string(),
    routeType: z.number().optional(),
    route: z.object({ id: z.string(), shortName: z.string(), longName: z.string(), color: z.string().nullable(), shortNames: names, longNames: names }).optional(),
    trip: z.object({ id: z.string(), headsign: z.string().nullable(), headsigns: names, shortName: z.string().nullable(), serviceDay: z.number() }).optional(),
    entry: z.string().optional(),
    from: placeView,
    to: placeView,
    departure: z.string(),
    arrival: z.string(),
    departureAt: z.string(),
    arrivalAt: z.string(),
    duration: z.number(),
    distance: z.number().optional(),
    intermediateStops: z.array(placeView.extend({ arrival: z.string(), departure: z.string() })).optional(),
  })
  .meta({ id: 'Leg' });
const planResult = z
  .object({
    query: z.record(z.string(), z.unknown()),
    itineraries: z.array(z.object({ departure: z.string(), arrival: z.string(), departureAt: z.string(), arrivalAt: z.string(), duration: z.number(), transfers: z.number(), legs: z.array(legView) })),
    notices: z.array(text),
  })
  .meta({ id: 'PlanResult' });

const feedSummary = z
  .object({
    id: z.string(),
    source: z.string(),
    importedAt: z.string(),
    feedInfo: z.unknown(),
    counts: z.record(z.string(), z.number()),
    errors: z.number(),
    warnings: z.number(),
    label: text.nullable(),
  })
  .meta({ id: 'TransitFeed' });
const notice = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  file: z.string().nullable(),
  line: z.number().nullable(),
  field: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string(),
});
const report = z
  .object({
    feedId: z.string(),
    notices: z.array(notice),
    counts: z.array(z.object({ code: z.string(), severity: z.string(), count: z.number() })),
    errors: z.number(),
    warnings: z.number(),
  })
  .meta({ id: 'ValidationReport' });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const feedIdParam = z.object({ id: z.string().regex(FEED_ID_PATTERN) });

export function transitRoutes(service: TransitService, planner: TransitPlanner, uploadLimit: number) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ['transit'];

    // GTFS uploads are zip files: take them as raw bytes, with their own size limit.
    app.addContentTypeParser(['application/zip', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: uploadLimit }, (_req, body, done) => done(null, body));

    r.get('/api/transit/feeds', { schema: { tags, summary: '已导入的 GTFS 数据源 / imported GTFS feeds', response: { 200: z.object({ items: z.array(feedSummary) }) } } }, async () => ({
      items: await service.listFeeds(),
    }));
    r.get(
      '/api/transit/feeds/:id',
      { schema: { tags, summary: '数据源及其校验报告 / a feed with its validation report', params: feedIdParam, response: { 200: feedSummary.extend({ report }), ...errors } } },
      async (req) => service.getFeed(req.params.id),
    );
    r.post(
      '/api/transit/feeds/:id',
      {
        bodyLimit: uploadLimit,
        schema: {
          tags,
          summary: '上传并导入 GTFS（zip）/ upload and import a GTFS zip',
          description:
            'Body: the GTFS zip (Content-Type application/zip). Errors reject the feed (422 with the full validation report) and change nothing; warnings import. Replaces a stored feed of the same id atomically.',
          security: [{ bearer: [] }],
          params: feedIdParam,
          response: { 200: z.object({ feedId: z.string(), imported: z.literal(true), counts: z.record(z.string(), z.number()), report }), 422: z.object({ feedId: z.string(), imported: z.literal(false), report }), ...errors },
        },
      },
      async (req, reply) => {
        const p = assertTransitWriter(req.principal);
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
          throw new AppError('validation', 400, 'error.validation', {}, [{ field: '(body)', message: { zh: '请求体应为 GTFS zip 文件（Content-Type: application/zip）', en: 'the body must be a GTFS zip (Content-Type: application/zip)' } }]);
        }
        const out = await service.importUpload(p, req.body, req.params.id, String(req.id));
        if (!out.imported) return reply.code(422).send({ feedId: out.feedId, imported: false as const, report: out.report });
        return { feedId: out.feedId, imported: true as const, counts: out.counts!, report: out.report };
      },
    );
    r.delete(
      '/api/transit/feeds/:id',
      { schema: { tags, summary: '删除数据源 / delete a feed', security: [{ bearer: [] }], params: feedIdParam, response: { 204: z.null(), ...errors } } },
      async (req, reply) => {
        await service.deleteFeed(assertTransitWriter(req.principal), req.params.id, String(req.id));
        return reply.code(204).send(null);
      },
    );
    r.get(
      '/api/transit/plan',
      {
        schema: {
          tags,
          summary: '出行规划 / journey planner',
          description:
            'Depart-after (default), arrive-by or a departure window (`window`, rRAPTOR). Returns the Pareto front over (arrival, transfers). `format=geojson` (or Accept: application/geo+json) returns one LineString per leg.',
          querystring: planQuery,
          response: { 200: planResult, 400: problemSchema, 409: problemSchema },
        },
      },
      async (req, reply) => {
        const { format, ...q } = req.query;
        const result = await planner.plan(q);
        if (format === 'geojson' || (!format && (req.headers.accept ?? '').includes('application/geo+json'))) {
          return (reply as unknown as FastifyReply).type('application/geo+json').send(Buffer.from(JSON.stringify(planToGeoJson(result))));
        }
        return result;
      },
    );
    r.get(
      '/api/transit/network',
      {
        schema: {
          tags,
          summary: '路网与时刻表规模、构建耗时 / network and timetable size and build time',
          querystring: z.object({ date: z.iso.date().optional() }).strict(),
          response: { 200: z.object({ network: z.record(z.string(), z.number()), timetable: z.record(z.string(), z.union([z.number(), z.string()])), heapUsedMb: z.number() }), 400: problemSchema },
        },
      },
      async (req) => planner.stats(req.query.date),
    );
    r.get(
      '/api/transit/stops',
      {
        schema: {
          tags,
          summary: '车站搜索（汉字、拼音、英文）/ station search in Chinese characters, pinyin or English',
          querystring: z.object({ q: z.string().trim().min(1).max(100), limit: z.coerce.number().int().min(1).max(50).default(10) }).strict(),
          response: {
            200: z.object({
              items: z.array(
                z.object({ id: z.string(), feedId: z.string(), name: z.string(), names: z.record(z.string(), z.string()), lat: z.number(), lon: z.number(), locationType: z.number(), score: z.number() }),
              ),
            }),
            400: problemSchema,
          },
        },
      },
      async (req) => ({ items: (await service.current()).search.search(req.query.q, req.query.limit) }),
    );
  };
}
