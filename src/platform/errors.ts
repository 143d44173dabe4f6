import type { MessageKey } from './i18n.ts';

export type FieldError = { field: string; message: { zh: string; en: string } | string; in?: 'body' | 'query' | 'params' };

/**
 * The one error type services throw. The HTTP error handler maps it to RFC 9457 problem+json;
 * the CLI prints it. `params` fill the i18n message; `errors` list every invalid field.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly errors: FieldError[] = [],
  ) {
    super(`${code}: ${messageKey} ${JSON.stringify(params)}`);
    this.name = 'AppError';
  }
}

/** 400 naming one invalid field with its message in both languages (a query parameter unless `where` says otherwise). */
export function fieldError(field: string, zh: string, en: string, where: NonNullable<FieldError['in']> = 'query'): AppError {
  return new AppError('validation', 400, 'error.validation', {}, [{ field, message: { zh, en }, in: where }]);
}

export const notFound = (entityKey: MessageKey, id: string) =>
  new AppError('not_found', 404, 'error.notFound', { what: entityKey, id });
