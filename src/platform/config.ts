import path from 'node:path';
import { z } from 'zod';

/** Every environment variable the platform reads; the README's configuration table mirrors this list. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  XIETONG_DATA_DIR: z.string().min(1).default('./.xietong/db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  XIETONG_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  XIETONG_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  XIETONG_RATE_LIMIT_ANON: z.coerce.number().int().min(0).default(60_000),
  XIETONG_SEED: z.enum(['auto', 'off']).default('auto'),
  XIETONG_WEB_DIR: z.string().optional(),
  XIETONG_WALK_RADIUS: z.coerce.number().int().min(0).max(5000).default(500),
  XIETONG_FEED_UPLOAD_LIMIT: z.coerce.number().int().min(1024).default(268_435_456),
  XIETONG_AIR_BODY_LIMIT: z.coerce.number().int().min(1024).default(67_108_864),
  XIETONG_AIR_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(200_000),
  XIETONG_MQTT_URL: z.string().regex(/^(mqtts?|wss?|tcp):\/\/\S+$/, 'mqtt://host:port').optional(),
  XIETONG_MQTT_CLIENT_ID: z.string().min(1).max(64).default('xietong-air-ingest'),
  XIETONG_MQTT_TOPIC_PREFIX: z.string().regex(/^[^#+]+[^/#+]$/, 'a topic prefix without wildcards or trailing slash').default('xietong/air'),
  XIETONG_MQTT_SESSION_EXPIRY: z.coerce.number().int().min(0).max(4_294_967_295).default(604_800),
  XIETONG_WARNING_TOPIC_PREFIX: z.string().regex(/^[^#+]+[^/#+]$/, 'a topic prefix without wildcards or trailing slash').default('xietong/warnings'),
  XIETONG_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  XIETONG_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  XIETONG_WEBHOOK_ALLOW_PRIVATE: z.stringbool().default(false),
  XIETONG_SSE_HEARTBEAT_MS: z.coerce.number().int().min(1000).max(300_000).default(15_000),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  bodyLimit: number;
  /** Requests a minute per API token (0 = unlimited). */
  rateLimitPerToken: number;
  /** Requests a minute per client address without a token (0 = unlimited). */
  rateLimitAnonymous: number;
  seed: 'auto' | 'off';
  webDir: string;
  /** Radius of generated walking transfers between stops of any feeds, in metres (0 = none). */
  walkRadius: number;
  /** Largest GTFS zip accepted by POST /api/transit/feeds/:id, in bytes. */
  feedUploadLimit: number;
  /** Largest body of POST /api/air/observations, in bytes. */
  airBodyLimit: number;
  /** Most rows in one POST /api/air/observations. */
  airMaxRows: number;
  /** MQTT ingestion: unset = no subscription. */
  mqtt: { url: string; clientId: string; prefix: string; sessionExpiry: number } | null;
  /** Warning linkage on the XIETONG_MQTT_URL broker: `<prefix>/<city>` (retained level), `<prefix>/<city>/inbox` (notifications). */
  warningTopicPrefix: string;
  /** Outbound warning deliveries (webhooks, MQTT): most attempts, and the timeout of one attempt in ms. */
  webhookMaxAttempts: number;
  webhookTimeoutMs: number;
  /** Webhooks may target loopback, private and other non-public addresses (receivers on the local network); off = SSRF guard. */
  webhookAllowPrivate: boolean;
  /** Heartbeat interval of the warning SSE streams, in ms. */
  sseHeartbeatMs: number;
};

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.XIETONG_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.XIETONG_BODY_LIMIT,
    rateLimitPerToken: e.XIETONG_RATE_LIMIT,
    rateLimitAnonymous: e.XIETONG_RATE_LIMIT_ANON,
    seed: e.XIETONG_SEED,
    webDir: path.resolve(e.XIETONG_WEB_DIR ?? path.join(projectRoot, 'web', 'dist')),
    walkRadius: e.XIETONG_WALK_RADIUS,
    feedUploadLimit: e.XIETONG_FEED_UPLOAD_LIMIT,
    airBodyLimit: e.XIETONG_AIR_BODY_LIMIT,
    airMaxRows: e.XIETONG_AIR_MAX_ROWS,
    mqtt: e.XIETONG_MQTT_URL
      ? { url: e.XIETONG_MQTT_URL, clientId: e.XIETONG_MQTT_CLIENT_ID, prefix: e.XIETONG_MQTT_TOPIC_PREFIX, sessionExpiry: e.XIETONG_MQTT_SESSION_EXPIRY }
      : null,
    warningTopicPrefix: e.XIETONG_WARNING_TOPIC_PREFIX,
    webhookMaxAttempts: e.XIETONG_WEBHOOK_MAX_ATTEMPTS,
    webhookTimeoutMs: e.XIETONG_WEBHOOK_TIMEOUT_MS,
    webhookAllowPrivate: e.XIETONG_WEBHOOK_ALLOW_PRIVATE,
    sseHeartbeatMs: e.XIETONG_SSE_HEARTBEAT_MS,
  };
}
