import { z } from 'zod';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../platform/errors.ts';
import { t, type Lang, type MessageKey } from '../platform/i18n.ts';

const zhLocale = z.locales.zhCN();
const enLocale = z.locales.en();

/** A request part that failed its zod schema; carries every issue so that every bad field is listed. */
export class RequestValidationError extends Error {
  statusCode = 400;
  code = 'FST_ERR_VALIDATION';
  validationContext?: string;
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('validation failed');
  }
}

export type ProblemField = { field: string; in: string; message: string };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: ProblemField[];
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), in: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

function issueMessage(issue: z.core.$ZodIssue, lang: Lang): string {
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) {
    return lang === 'zh' ? '不能为空' : 'must not be empty';
  }
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
    return lang === 'zh' ? '必填' : 'required';
  }
  const locale = lang === 'zh' ? zhLocale : enLocale;
  const m = locale.localeError(issue as never);
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object' && 'message' in m) return String(m.message);
  return issue.message;
}

/** Dotted path of a field ("milestones.0.plannedDate"); an empty key is shown as "" so it stays visible. */
function fieldPath(path: PropertyKey[]): string {
  return path.map((p) => (String(p) === '' ? '""' : String(p))).join('.');
}

export function issuesToFields(issues: z.core.$ZodIssue[], where: string, lang: Lang): ProblemField[] {
  const out: ProblemField[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ field: fieldPath([...issue.path, k]), in: where, message: issueMessage(issue, lang) });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.errors.every((e) => e.length > 0)) {
      // Report the alternative that got furthest, so the field named is the one to fix.
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...issuesToFields(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[], where, lang));
    } else {
      out.push({ field: fieldPath(issue.path) || '(root)', in: where, message: issueMessage(issue, lang) });
    }
  }
  return out;
}

function localize(m: FieldError['message'], lang: Lang): string {
  return typeof m === 'string' ? m : m[lang];
}

const titleKeys: Record<number, MessageKey> = {
  400: 'error.validation.title',
  401: 'error.unauthorized.title',
  403: 'error.forbidden.title',
  404: 'error.notFound.title',
  409: 'error.conflict.title',
  413: 'error.payloadTooLarge.title',
  429: 'error.rateLimited.title',
  500: 'error.internal.title',
};

function title(status: number, lang: Lang): string {
  const key = titleKeys[status];
  if (key) return t(lang, key);
  return lang === 'zh' ? '请求无法处理' : 'Request cannot be processed';
}

export function buildProblem(
  req: FastifyRequest,
  lang: Lang,
  status: number,
  code: string,
  detail: string,
  errors?: ProblemField[],
): Problem {
  return {
    type: `/problems/${code}`,
    title: title(status, lang),
    status,
    detail,
    instance: req.url,
    code,
    requestId: String(req.id),
    ...(errors && errors.length ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(p));
}

/** Maps anything thrown in a request to problem+json; only genuine faults become 500. */
export function errorToProblem(err: FastifyError | AppError | Error, req: FastifyRequest, lang: Lang): Problem {
  if (err instanceof AppError) {
    const errors = err.errors.map((e) => ({ field: e.field, in: e.in ?? 'body', message: localize(e.message, lang) }));
    return buildProblem(req, lang, err.status, err.code, t(lang, err.messageKey, err.params), errors);
  }
  if (err instanceof RequestValidationError) {
    const where = (err.validationContext ?? 'body').replace('querystring', 'query');
    return buildProblem(req, lang, 400, 'validation', t(lang, 'error.validation'), issuesToFields(err.issues, where, lang));
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return buildProblem(req, lang, 413, 'payload_too_large', t(lang, 'error.payloadTooLarge', { limit: req.routeOptions.bodyLimit ?? '' }));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return buildProblem(req, lang, 415, 'unsupported_media_type', t(lang, 'error.unsupportedMediaType', { type: req.headers['content-type'] ?? '' }));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return buildProblem(req, lang, 400, 'bad_json', t(lang, 'error.badJson', { reason: fe.message }), [
        { field: '(root)', in: 'body', message: fe.message },
      ]);
    default:
      break;
  }
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return buildProblem(req, lang, 400, 'bad_json', t(lang, 'error.badJson', { reason: err.message }), [
      { field: '(root)', in: 'body', message: err.message },
    ]);
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 429) {
    return buildProblem(req, lang, 429, 'rate_limited', t(lang, 'error.rateLimited', { after: fe.message }));
  }
  if (status >= 400 && status < 500) {
    return buildProblem(req, lang, status, (fe.code ?? 'bad_request').toLowerCase(), fe.message);
  }
  return buildProblem(req, lang, status >= 500 ? status : 500, 'internal', t(lang, 'error.internal', { requestId: String(req.id) }));
}
