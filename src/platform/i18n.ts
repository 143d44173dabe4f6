/** Server-side messages. zh-CN is the default language; English is chosen by Accept-Language. */
export type Lang = 'zh' | 'en';
export type Text = { zh: string; en: string };

const messages = {
  'error.validation': { zh: '请求参数有误，请检查以下字段', en: 'The request has invalid fields' },
  'error.validation.title': { zh: '请求参数有误', en: 'Invalid request' },
  'error.notFound': { zh: '未找到{{what}}：{{id}}', en: '{{what}} not found: {{id}}' },
  'error.notFound.title': { zh: '未找到', en: 'Not found' },
  'error.routeNotFound': { zh: '没有这个接口：{{method}} {{url}}', en: 'No such endpoint: {{method}} {{url}}' },
  'error.unauthorized': { zh: '需要有效的 API 令牌（Authorization: Bearer <令牌>）', en: 'A valid API token is required (Authorization: Bearer <token>)' },
  'error.unauthorized.title': { zh: '未认证', en: 'Unauthorized' },
  'error.badToken': { zh: 'API 令牌无效或已吊销', en: 'The API token is invalid or revoked' },
  'error.forbidden.title': { zh: '无权操作', en: 'Forbidden' },
  'error.forbidden.role': { zh: '角色“{{role}}”不能执行此操作（需要：{{need}}）', en: 'Role "{{role}}" may not do this (needs: {{need}})' },
  'error.forbidden.scope': { zh: '令牌的范围（{{scope}}）不包含{{entity}}所属的{{target}}', en: 'The token scope ({{scope}}) does not cover {{target}} of {{entity}}' },
  'error.conflict.title': { zh: '版本冲突', en: 'Conflict' },
  'error.conflict.version': { zh: '记录已被他人修改（当前版本 {{current}}，请求版本 {{given}}），请刷新后重试', en: 'The record was changed by someone else (current version {{current}}, yours {{given}}); reload and try again' },
  'error.conflict.exists': { zh: '{{what}}已存在：{{id}}', en: '{{what}} already exists: {{id}}' },
  'error.reference': { zh: '引用的{{what}}不存在：{{id}}', en: 'Referenced {{what}} does not exist: {{id}}' },
  'error.payloadTooLarge': { zh: '请求体过大（上限 {{limit}} 字节）', en: 'Request body too large (limit {{limit}} bytes)' },
  'error.payloadTooLarge.title': { zh: '请求体过大', en: 'Payload too large' },
  'error.rateLimited': { zh: '请求过于频繁，请在 {{after}} 后重试', en: 'Too many requests; retry after {{after}}' },
  'error.rateLimited.title': { zh: '请求过于频繁', en: 'Too many requests' },
  'error.badJson': { zh: '请求体不是有效的 JSON：{{reason}}', en: 'The request body is not valid JSON: {{reason}}' },
  'error.unsupportedMediaType': { zh: '不支持的内容类型：{{type}}', en: 'Unsupported content type: {{type}}' },
  'error.internal': { zh: '服务器内部错误，已记录（请求编号 {{requestId}}）', en: 'Internal server error, logged (request id {{requestId}})' },
  'error.internal.title': { zh: '服务器内部错误', en: 'Internal server error' },
  'error.unavailable': { zh: '服务暂不可用：{{reason}}', en: 'Service unavailable: {{reason}}' },
  'entity.goal': { zh: '目标', en: 'goal' },
  'entity.indicator': { zh: '指标', en: 'indicator' },
  'entity.keyProject': { zh: '重点项目', en: 'key project' },
  'entity.milestone': { zh: '里程碑', en: 'milestone' },
  'entity.pillar': { zh: '重点领域', en: 'pillar' },
  'entity.category': { zh: '项目类别', en: 'category' },
  'entity.department': { zh: '部门', en: 'department' },
  'entity.city': { zh: '城市', en: 'city' },
  'entity.token': { zh: 'API 令牌', en: 'API token' },
  'entity.feed': { zh: 'GTFS 数据源', en: 'GTFS feed' },
  'entity.station': { zh: '监测站点', en: 'monitoring station' },
  'entity.warning': { zh: '预警', en: 'warning' },
  'entity.notification': { zh: '预警通知', en: 'warning notification' },
  'entity.acknowledgement': { zh: '通知确认', en: 'acknowledgement' },
  'entity.webhook': { zh: 'Webhook 订阅', en: 'webhook' },
  'scope.city': { zh: '城市', en: 'city' },
  'scope.department': { zh: '部门', en: 'department' },
  'scope.all': { zh: '全部', en: 'everything' },
  'field.duplicateMilestone': { zh: '里程碑编号重复：{{id}}', en: 'Duplicate milestone id: {{id}}' },
  'field.doneBeforeStart': { zh: '完成日期不能是未来日期', en: 'The done date cannot be in the future' },
} satisfies Record<string, Text>;

export type MessageKey = keyof typeof messages;

export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = messages[key][lang];
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) return `{{${name}}}`;
    // A parameter that is itself a message key (e.g. 'entity.goal') is shown translated.
    return typeof v === 'string' && v in messages ? messages[v as MessageKey][lang] : String(v);
  });
}

/** Picks zh or en from an Accept-Language header: the first supported language by quality wins. */
export function pickLang(header: string | undefined): Lang {
  if (!header) return 'zh';
  const ranked = header
    .split(',')
    .map((part, idx) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, idx };
    })
    .filter((x) => x.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.idx - b.idx);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}
