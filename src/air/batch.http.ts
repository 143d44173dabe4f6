/**
 * The shape shared by the batch write routes (observations, forecasts): a JSON or CSV body parsed into good
 * rows and row errors, 413 for too many rows, 400 for a body that is not a batch at all, and the answer
 * 200 — or 422 when rows were sent and none was stored — listing the first MAX_ERRORS row errors.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { TooManyRows, type RowError } from './air.ingest.ts';

export const MAX_ERRORS = 1000;

export const rowErrorSchema = z.object({ index: z.number().nullable(), line: z.number().nullable(), field: z.string(), value: z.string().nullable(), reason: z.string() });

/** Parses the body by its type: a string body (text/csv) with `csv`, a JSON body with `json`. */
export function parseBatchBody<P>(req: FastifyRequest, parsers: { csv: (text: string) => P | { bodyError: string }; json: (body: unknown) => P | { bodyError: string } }): { parsed: P; format: 'csv' | 'json' } {
  const ct = String(req.headers['content-type'] ?? '');
  let out: P | { bodyError: string };
  try {
    if (typeof req.body === 'string') out = parsers.csv(req.body);
    else if (ct.includes('json')) out = parsers.json(req.body);
    else out = { bodyError: 'send application/json or text/csv' };
  } catch (e) {
    if (e instanceof TooManyRows) throw new AppError('too_many_rows', 413, 'error.validation', {}, [{ field: '(body)', message: { zh: `每次最多 ${e.limit} 行，收到 ${e.count} 行`, en: `at most ${e.limit} rows per request, got ${e.count}` } }]);
    throw e;
  }
  if (typeof out === 'object' && out !== null && 'bodyError' in out) throw new AppError('validation', 400, 'error.validation', {}, [{ field: '(body)', message: (out as { bodyError: string }).bodyError }]);
  return { parsed: out as P, format: typeof req.body === 'string' ? 'csv' : 'json' };
}

/** 200 with the result, or 422 when rows were sent and none was stored; row errors capped at MAX_ERRORS. */
export function sendBatchResult<R extends { accepted: number; errors: RowError[] }>(reply: FastifyReply, out: R) {
  const body = { ...out, errors: out.errors.slice(0, MAX_ERRORS), errorCount: out.errors.length };
  return reply.code(out.accepted === 0 && out.errors.length > 0 ? 422 : 200).send(body);
}
