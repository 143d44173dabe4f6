import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../../http/problem.ts';
import { fieldError } from '../../platform/errors.ts';
import { parseBatchBody, rowErrorSchema, sendBatchResult } from '../batch.http.ts';
import type { AirAqi } from '../air.aqi.ts';
import { cityId, instant } from '../model.ts';
import { evaluateCityWarning, ruleSetVersions } from '../warnings/evaluate.ts';
import { ruleSetFor, type WarningRules } from '../warnings/rules.ts';
import { MAX_LEAD_DAYS, parseForecastCsv, parseForecastJson, SOURCE_ID } from './forecast.parse.ts';
import type { ForecastService } from './forecast.service.ts';

export type ForecastRouteOptions = { bodyLimit: number; maxRows: number };

const tags = ['air'];
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const date = z.iso.date();

const rowError = rowErrorSchema;
const submitResult = z
  .object({
    received: z.number(),
    accepted: z.number(),
    rejected: z.number(),
    inserted: z.number(),
    updated: z.number().describe('stored forecasts (same city, source, issue and date) whose values changed: revision + 1'),
    unchanged: z.number(),
    errors: z.array(rowError),
    errorCount: z.number(),
  })
  .meta({ id: 'AirForecastSubmitResult' });
const forecastItem = z
  .object({
    cityId: z.string(),
    source: z.string(),
    issuedAt: z.string(),
    date: z.string(),
    lead: z.number().describe('days after the issue day (Asia/Shanghai)'),
    aqi: z.number(),
    aqiLow: z.number().nullable(),
    aqiHigh: z.number().nullable(),
    primary: z.array(z.string()),
    revision: z.number(),
    receivedAt: z.string().nullable(),
  })
  .meta({ id: 'AirForecast' });
const text = z.object({ zh: z.string(), en: z.string() });
const baseline = z
  .union([
    z.object({
      available: z.literal(true),
      source: z.string(),
      method: z.string(),
      issuedAt: z.string(),
      basedOn: z.object({ date: z.string(), aqi: z.number() }),
      model: z.object({ trainedOn: z.record(z.string(), z.unknown()), skillReport: z.string() }),
      points: z.array(forecastItem.extend({ eventThreshold: z.number().nullable(), signalAbove200: z.boolean().nullable() })),
    }),
    z.object({ available: z.literal(false), source: z.string(), reason: text }),
  ])
  .meta({ id: 'AirBaselineForecast' });

/** Daily-AQI forecasts (submitted and baseline) and the warning evaluation that uses them. */
export function forecastRoutes(service: ForecastService, aqi: AirAqi, rules: WarningRules, opts: ForecastRouteOptions) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: opts.bodyLimit }, (_req, body, done) => done(null, body));

    r.post(
      '/api/air/forecasts',
      {
        bodyLimit: opts.bodyLimit,
        schema: {
          tags,
          summary: '提交城市日 AQI 预报（JSON 或 CSV）/ submit daily AQI forecasts of cities (JSON or CSV)',
          description: [
            'JSON: {"forecasts": [{"city":"shijiazhuang","source":"hebei-emc","issuedAt":"2026-12-01T16:00:00+08:00","date":"2026-12-02","aqi":230,"aqiLow":210,"aqiHigh":250,"primary":["pm25"]}]} or a bare array.',
            'CSV (text/csv): header city,source,issued_at,date,aqi[,aqi_low,aqi_high,primary] (primary: pm25;pm10).',
            `date is an Asia/Shanghai calendar day from the issue day to ${MAX_LEAD_DAYS} days after it; aqi an integer 0..500.`,
            'Idempotent by (city, source, issuedAt, date): a re-send changes nothing, a corrected value of the same issue is a revision, a new issue is kept beside the older ones.',
            'Admins, or editors whose scope covers every city of the batch (city:<id>, dept:ecology); one audit record per request.',
            `Bad rows are listed with their JSON index or CSV line, field and reason; good rows are stored. At most ${opts.maxRows} rows. 422 when rows were sent and none was stored.`,
          ].join(' '),
          security: [{ bearer: [] }],
          response: { 200: submitResult, 422: submitResult, 413: problemSchema, ...errors },
        },
      },
      async (req, reply) => {
        const { parsed, format } = parseBatchBody(req, { csv: (t) => parseForecastCsv(t, opts.maxRows), json: (b) => parseForecastJson(b, opts.maxRows) });
        return sendBatchResult(reply, await service.submit(req.principal, parsed, format, String(req.id)));
      },
    );

    r.get(
      '/api/air/forecasts',
      {
        schema: {
          tags,
          summary: '城市日 AQI 预报（提交的与平台基准）/ daily AQI forecasts of a city (submitted and platform baseline)',
          description:
            'Submitted forecasts for target dates from..to (default: the day of asOf and 10 days after) issued at or before asOf (default now): the latest issue per source and date, or every issue with history=true. ' +
            'baseline=true (default) adds the platform\'s own forecast as it would have been issued at asOf (method and measured skill: docs/forecast-skill.md).',
          querystring: z
            .object({
              city: cityId,
              from: date.optional(),
              to: date.optional(),
              source: z.string().regex(SOURCE_ID).optional(),
              asOf: instant.optional(),
              history: z.enum(['true', 'false']).default('false'),
              baseline: z.enum(['true', 'false']).default('true'),
            })
            .strict(),
          response: { 200: z.object({ city: z.string(), items: z.array(forecastItem), baseline: baseline.nullable() }), 400: problemSchema },
        },
      },
      async (req) => {
        const q = req.query;
        if (q.from && q.to && q.to < q.from) throw fieldError('to', 'to 不能早于 from', 'to must not be before from');
        await service.assertCity(q.city);
        const [items, b] = await Promise.all([
          service.list({ city: q.city, from: q.from, to: q.to, source: q.source, asOf: q.asOf, history: q.history === 'true' }),
          q.baseline === 'true' ? service.baseline(q.city, q.asOf) : Promise.resolve(null),
        ]);
        return { city: q.city, items, baseline: b };
      },
    );

    r.get(
      '/api/air/warnings/rules',
      {
        schema: {
          tags,
          summary: '预警分级规则集（版本化数据）/ warning rule sets (versioned data)',
          description:
            'Every version of every rule set in data/air/warning-rules.json, with its source text and the conditions of each level (a level holds when any clause holds; a clause when all its conditions hold). `inForce` = the version valid on `date` (default today, Asia/Shanghai).',
          querystring: z.object({ date: date.optional() }).strict(),
          response: { 200: z.object({ date: z.string(), ruleSets: z.array(z.record(z.string(), z.unknown())) }), 400: problemSchema },
        },
      },
      async (req) => {
        const day = req.query.date ?? service.today();
        const ids = [...new Set(rules.ruleSets.map((x) => x.id))];
        const inForce = new Set(ids.map((id) => ruleSetFor(rules, id, day)).filter((x) => x !== undefined));
        return { date: day, ruleSets: rules.ruleSets.map((x) => ({ ...x, inForce: inForce.has(x) })) };
      },
    );

    r.get(
      '/api/air/warnings/evaluate',
      {
        schema: {
          tags,
          summary: '按规则集评估城市预警级别 / evaluate the warning level of a city under a rule set',
          description:
            'Hourly city AQI of the four days before `at` from stored observations, rolling 24-h means across days, plus forecast daily AQI for the days from the day of `at`: ' +
            'forecastSource=submitted (default: per date the latest submitted issue at or before `at`), baseline (the platform\'s own), none; or inline `forecast=2016-12-22:320,2016-12-23:280`, which overrides. ' +
            'Rule sets: data/air/warning-rules.json.',
          querystring: z
            .object({
              city: cityId,
              ruleSet: z.string().min(1).max(80),
              at: instant,
              forecastSource: z.enum(['submitted', 'baseline', 'none']).default('submitted'),
              forecast: z
                .string()
                .regex(/^(\d{4}-\d{2}-\d{2}:\d{1,3})(,\d{4}-\d{2}-\d{2}:\d{1,3}){0,6}$/)
                .optional(),
            })
            .strict(),
          response: { 200: z.record(z.string(), z.unknown()), 400: problemSchema },
        },
      },
      async (req) => {
        const q = req.query;
        const inline = q.forecast?.split(',').map((x) => ({ date: x.slice(0, 10), aqi: Number(x.slice(11)), source: 'inline', issuedAt: null as string | null }));
        if (inline?.some((f) => f.aqi > 500))
          throw fieldError('forecast', '预报 AQI 不能超过 500', 'a forecast AQI cannot exceed 500');
        const used = inline ?? (await service.forEvaluation(q.city, q.at, q.forecastSource));
        const result = await evaluateCityWarning(aqi, rules, { city: q.city, ruleSet: q.ruleSet, at: q.at, forecast: used.map((f) => ({ date: f.date, aqi: f.aqi })) });
        return { ...result, forecastUsed: { source: inline ? 'inline' : q.forecastSource, days: used } };
      },
    );

    r.get(
      '/api/air/warnings/evaluate/region',
      {
        schema: {
          tags,
          summary: '全区域按规则集评估预警级别 / the warning level a rule set gives every city of the region',
          description:
            'The evaluation of /api/air/warnings/evaluate for every city with monitoring stations, at one instant, with each city\'s stored forecasts (forecastSource). ' +
            'For the regional consultation: which cities the rules put at which level, to compare with the warnings the cities have issued (GET /api/air/warnings/board).',
          querystring: z
            .object({ ruleSet: z.string().min(1).max(80), at: instant, forecastSource: z.enum(['submitted', 'baseline', 'none']).default('submitted') })
            .strict(),
          response: { 200: z.object({ ruleSet: z.string(), at: z.string(), cities: z.array(z.record(z.string(), z.unknown())) }), 400: problemSchema },
        },
      },
      async (req) => {
        const q = req.query;
        ruleSetVersions(rules, q.ruleSet);
        const out: Record<string, unknown>[] = [];
        // Sequential: each city is four day-queries; a region is a few dozen cities.
        for (const c of await service.citiesWithStations()) {
          const used = await service.forEvaluation(c.id, q.at, q.forecastSource);
          const result = await evaluateCityWarning(aqi, rules, { city: c.id, ruleSet: q.ruleSet, at: q.at, forecast: used.map((f) => ({ date: f.date, aqi: f.aqi })) });
          out.push({ cityId: c.id, name: c.name, ...result, forecastUsed: { source: q.forecastSource, days: used } });
        }
        return { ruleSet: q.ruleSet, at: q.at, cities: out };
      },
    );
  };
}
