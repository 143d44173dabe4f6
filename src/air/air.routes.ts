import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemSchema } from '../http/problem.ts';
import { cityId, instant, periods, pollutants } from './model.ts';
import { parseCsvBatch, parseJsonBatch, STATION_CODE } from './air.ingest.ts';
import { parseBatchBody, rowErrorSchema, sendBatchResult } from './batch.http.ts';
import type { AirService } from './air.service.ts';
import type { AirMqttSubscriber } from './air.mqtt.ts';

export type AirRouteOptions = { bodyLimit: number; maxRows: number; mqtt: () => AirMqttSubscriber | null };

const tags = ['air'];
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
const code = z.string().regex(STATION_CODE).describe('national station code, e.g. 1029A');
const isoWithOffset = instant;

const stationInput = z
  .object({
    code,
    name: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().min(1).max(100).nullable().default(null),
    cityId,
    cityName: z.string().trim().min(1).max(100).describe('as published, e.g. 石家庄市'),
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    type: z.enum(['national', 'provincial', 'city', 'background', 'other']).default('national'),
    exempt: z
      .array(z.enum(pollutants))
      .max(pollutants.length)
      .nullable()
      .optional()
      .describe(
        'HJ 633-2026 exemptions of the station (pollutants not in its monitoring plan and not primary at light pollution or worse for three years): ' +
          'a missing value of an exempt pollutant does not withhold an AQI ≤ 100. [] = none exempt; null = not known, the documented default (PM10) applies; ' +
          'omitted = keep what is stored (null for a new station). Each pollutant at most once.',
      ),
  })
  .strict()
  .meta({ id: 'AirStationInput' });

const sensor = z.object({ id: z.string(), parameter: z.object({ name: z.string(), units: z.string() }), period: z.string(), datetimeLast: z.string() });
const location = z
  .object({
    code: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    cityId: z.string().nullable(),
    cityName: z.string(),
    type: z.string(),
    exempt: z.array(z.enum(pollutants)).nullable().describe('HJ 633-2026 exemptions as registered; null = not known'),
    exemptDefault: z.boolean().describe('true when the station\'s exemptions are not known and the documented default applies'),
    exemptApplied: z.array(z.enum(pollutants)).describe('exemptions the HJ 633-2026 AQI of this station uses (its own, or the default)'),
    coordinates: z.object({ latitude: z.number(), longitude: z.number() }),
    timezone: z.string(),
    sensors: z.array(sensor),
    datetimeLast: z.string().nullable(),
  })
  .meta({ id: 'AirLocation' });
const meta = z.object({ found: z.number(), page: z.number().optional(), limit: z.number().optional() });
const latestItem = z
  .object({ station: z.string(), pollutant: z.string(), period: z.string(), datetime: z.string(), value: z.number().nullable(), flag: z.string(), revision: z.number() })
  .meta({ id: 'AirLatest' });
const measurement = z
  .object({
    station: z.string(),
    pollutant: z.string(),
    period: z.object({ label: z.string(), datetimeFrom: z.string(), datetimeTo: z.string() }),
    value: z.number().nullable(),
    flag: z.string(),
    revision: z.number().nullable(),
    coverage: z
      .object({ expectedCount: z.number(), observedCount: z.number(), percentComplete: z.number(), min: z.number().nullable(), max: z.number().nullable(), valid: z.boolean() })
      .nullable(),
  })
  .meta({ id: 'AirMeasurement' });
const rowError = rowErrorSchema;
const ingestResult = z
  .object({
    received: z.number().describe('rows in the body'),
    accepted: z.number().describe('observations stored or confirmed'),
    rejected: z.number(),
    inserted: z.number(),
    updated: z.number().describe('stored keys whose value or flag changed (revision + 1)'),
    unchanged: z.number().describe('re-sent identical observations'),
    errors: z.array(rowError).describe('every bad row (first 1,000): JSON index or CSV line, field, reason'),
    errorCount: z.number(),
  })
  .meta({ id: 'AirIngestResult' });

export function airRoutes(service: AirService, opts: AirRouteOptions) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: opts.bodyLimit }, (_req, body, done) => done(null, body));

    r.post(
      '/api/air/stations',
      {
        schema: {
          tags,
          summary: '登记或更新监测站点 / register or update monitoring stations',
          description:
            'Admins, or editors whose scope covers the station city (city:<id>, dept:ecology). One audit record per request. `exempt` sets the station\'s HJ 633-2026 exemptions (see AirStationInput).',
          security: [{ bearer: [] }],
          body: z.object({ stations: z.array(stationInput).min(1).max(5000) }).strict(),
          response: { 200: z.object({ created: z.number(), updated: z.number() }), ...errors },
        },
      },
      async (req) => service.upsertStations(req.principal, req.body.stations, String(req.id)),
    );

    r.post(
      '/api/air/observations',
      {
        bodyLimit: opts.bodyLimit,
        schema: {
          tags,
          summary: '批量上报监测数据（JSON 或 CSV）/ batch observations (JSON or CSV)',
          description: [
            `JSON (application/json): {"observations": [{"station":"1029A","time":"2026-03-15T08:00:00+08:00","pollutant":"pm25","value":35}]} or a bare array;`,
            'a row may instead carry pollutant keys (pm25, pm10, so2, no2, co, o3) for one station-hour.',
            'CSV (text/csv): header station,time,pollutant,value[,flag][,period] or station,time,pm25,pm10,so2,no2,co,o3.',
            'time is the END of the averaging hour, ISO 8601 with offset. value in µg/m³ (CO mg/m³); null/NA = missing, "/" = not monitored.',
            `period 1h (default), 8h or 24h; flag valid/missing/not_monitored/revised. At most ${opts.maxRows} rows per request.`,
            'Idempotent by (station, time, pollutant, period): an identical re-send changes nothing; a changed value is stored as a revision.',
            'Bad rows are listed with their JSON index or CSV line, field and reason; good rows are stored. 422 when rows were sent and none was stored.',
          ].join(' '),
          security: [{ bearer: [] }],
          response: { 200: ingestResult, 422: ingestResult, 413: problemSchema, ...errors },
        },
      },
      async (req, reply) => {
        const { parsed, format } = parseBatchBody(req, { csv: (t) => parseCsvBatch(t, opts.maxRows), json: (b) => parseJsonBatch(b, opts.maxRows) });
        return sendBatchResult(reply, await service.ingest(req.principal, parsed, format === 'csv' ? 'http-csv' : 'http-json', String(req.id)));
      },
    );

    const page = { limit: z.coerce.number().int().min(1).max(1000).default(100), page: z.coerce.number().int().min(1).max(100_000).default(1) };
    r.get(
      '/api/air/locations',
      {
        schema: {
          tags,
          summary: '监测站点（OpenAQ 风格）/ monitoring locations (OpenAQ-style)',
          querystring: z.object({ city: z.string().max(40).optional().describe('platform city id'), ...page }).strict(),
          response: { 200: z.object({ meta, results: z.array(location) }), 400: problemSchema },
        },
      },
      async (req) => service.locations(req.query),
    );
    r.get(
      '/api/air/locations/:code',
      { schema: { tags, summary: '单个站点及其传感器 / one location with its sensors', params: z.object({ code }), response: { 200: location, ...errors } } },
      async (req) => service.location(req.params.code),
    );
    r.get(
      '/api/air/locations/:code/latest',
      { schema: { tags, summary: '站点最新数据 / latest values of a location', params: z.object({ code }), response: { 200: z.object({ meta, results: z.array(latestItem) }), ...errors } } },
      async (req) => service.latest({ station: req.params.code }),
    );
    r.get(
      '/api/air/latest',
      {
        schema: {
          tags,
          summary: '所有站点最新数据 / latest values of every location',
          querystring: z.object({ city: z.string().max(40).optional() }).strict(),
          response: { 200: z.object({ meta, results: z.array(latestItem) }), 400: problemSchema },
        },
      },
      async (req) => service.latest({ city: req.query.city }),
    );
    r.get(
      '/api/air/measurements',
      {
        schema: {
          tags,
          summary: '测量值（小时、8 小时、日均，含覆盖率）/ measurements with averaging period and coverage',
          description:
            'period=1h: stored hourly values. period=8h|24h: stored values of that period (as published), or with aggregate=true the rolling 8-hour / calendar-day (Asia/Shanghai) means of the stored hourly values with coverage (valid when ≥ 6 of 8, ≥ 20 of 24 hours, GB 3095). Time window: from < time ≤ to (hour ends).',
          querystring: z
            .object({
              station: code,
              pollutant: z.enum(pollutants).optional(),
              from: isoWithOffset,
              to: isoWithOffset,
              period: z.enum(periods).default('1h'),
              aggregate: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
              ...page,
            })
            .strict(),
          response: { 200: z.object({ meta, results: z.array(measurement) }), ...errors },
        },
      },
      async (req) => service.measurements(req.query),
    );
    r.get(
      '/api/air/ingest/mqtt',
      {
        schema: {
          tags,
          summary: 'MQTT 订阅状态 / MQTT subscription status',
          response: {
            200: z.object({
              enabled: z.boolean(),
              connected: z.boolean(),
              messages: z.number(),
              observations: z.number(),
              rejected: z.number(),
              commits: z.number(),
              lastError: z.string().nullable(),
              lastRejection: z.string().nullable(),
            }),
          },
        },
      },
      async () => {
        const m = opts.mqtt();
        return m ? { enabled: true, ...m.stats } : { enabled: false, connected: false, messages: 0, observations: 0, rejected: 0, commits: 0, lastError: null, lastRejection: null };
      },
    );
  };
}
