import { z } from 'zod';
import { cityId, instant } from '../model.ts';
import { LEVEL_NAMES, WARNING_LEVELS, warningAction, type WarningAction, type WarningLevel } from '../warnings/rules.ts';
import { webhookUrlMaxLength } from './webhook.guard.ts';

/** Heavy-pollution warning levels (重污染天气预警), lowest first; `none` is the state without a warning (warnings/rules.ts). */
export const warningLevels = WARNING_LEVELS;
export type { WarningLevel, WarningAction };
export const issuableLevels = ['yellow', 'orange', 'red'] as const;
export const warningActions = ['issue', 'raise', 'lower', 'lift'] as const;
export const notificationStatuses = ['pending', 'delivered', 'acknowledged'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];
export const deliveryChannels = ['sse', 'mqtt', 'webhook'] as const;

export const levelNames = LEVEL_NAMES;
export const actionFor = warningAction;

/** The provinces of the Beijing–Tianjin–Hebei region: every city of theirs is notified of the others' warnings. */
export const regionProvinces = ['beijing', 'tianjin', 'hebei'] as const;

export { cityId, instant };
export const text = z.object({ zh: z.string().trim().min(1).max(2000), en: z.string().trim().min(1).max(2000) }).strict();
export const ruleSetRef = z
  .object({ id: z.string().trim().min(1).max(100).describe('e.g. jjj-2018 or hebei-2024'), version: z.union([z.string().trim().min(1).max(40), z.number().int().min(0)]).transform(String) })
  .strict()
  .meta({ id: 'AirWarningRuleSetRef' });

export const warningCreate = z
  .object({
    cityId,
    level: z.enum(issuableLevels).describe('黄色 / 橙色 / 红色预警; to end a warning use POST /api/air/warnings/:id/lift'),
    ruleSet: ruleSetRef.describe('the warning rule set (id and version) that justified this level'),
    reason: text,
    validFrom: instant.optional().describe('default: now'),
    validTo: instant.nullable().optional(),
  })
  .strict()
  .meta({ id: 'AirWarningCreate' });
export type WarningCreate = z.infer<typeof warningCreate>;

export const warningLift = z
  .object({ reason: text, ruleSet: ruleSetRef.optional(), validFrom: instant.optional().describe('when the lift takes effect; default: now') })
  .strict()
  .meta({ id: 'AirWarningLift' });
export type WarningLift = z.infer<typeof warningLift>;

const actor = z.object({ tokenId: z.string(), label: z.string().nullable() });

export const warningView = z
  .object({
    id: z.string(),
    cityId: z.string(),
    level: z.enum(warningLevels),
    levelName: text,
    previousLevel: z.enum(warningLevels),
    action: z.enum(warningActions),
    ruleSet: z.object({ id: z.string(), version: z.string() }).nullable(),
    reason: text,
    validFrom: z.string(),
    validTo: z.string().nullable(),
    issuedBy: actor,
    issuedAt: z.string(),
    replaces: z.string().nullable(),
    supersededBy: z.string().nullable(),
    active: z.boolean().describe('the latest action of its city, at a level above none'),
  })
  .meta({ id: 'AirWarning' });
export type WarningView = z.infer<typeof warningView>;

export const deliveryView = z
  .object({
    channel: z.enum(deliveryChannels),
    target: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'AirWarningDelivery' });

export const notificationView = z
  .object({
    id: z.number(),
    warningId: z.string(),
    sourceCityId: z.string(),
    targetCityId: z.string(),
    action: z.enum(warningActions),
    level: z.enum(warningLevels),
    previousLevel: z.enum(warningLevels),
    levelName: text,
    reason: text,
    validFrom: z.string(),
    validTo: z.string().nullable(),
    ruleSet: z.object({ id: z.string(), version: z.string() }).nullable(),
    issuedBy: actor,
    createdAt: z.string(),
    status: z.enum(notificationStatuses),
    deliveredAt: z.string().nullable(),
    acknowledgement: z.object({ by: actor, at: z.string(), note: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'AirWarningNotification' });
export type NotificationView = z.infer<typeof notificationView>;

export const notificationDetail = notificationView.extend({ deliveries: z.array(deliveryView) }).meta({ id: 'AirWarningNotificationDetail' });

export const ackInput = z.object({ note: z.string().trim().max(2000).optional() }).strict().meta({ id: 'AirWarningAck' });

export const boardView = z
  .object({
    generatedAt: z.string(),
    cities: z.array(
      z.object({
        cityId: z.string(),
        name: text,
        level: z.enum(warningLevels),
        levelName: text,
        warning: warningView.nullable(),
        notifications: z.array(notificationView).describe('of the active warning (or the latest lift), one per other city'),
        acknowledged: z.number(),
        unacknowledged: z.number(),
      }),
    ),
  })
  .meta({ id: 'AirWarningBoard' });

export const webhookCreate = z
  .object({
    cityId,
    url: z
      .string()
      .url()
      .max(webhookUrlMaxLength)
      // Scheme, credentials and hosts are the SSRF guard's (checkWebhookUrl), at registration and at delivery.
      .describe(
        'receives POST application/json for each notification to this city. http(s) only, without credentials. ' +
          'Unless the server sets XIETONG_WEBHOOK_ALLOW_PRIVATE, hosts on loopback, private, link-local, unique-local, CGNAT, ' +
          'multicast, reserved or cloud-metadata addresses (literal, or resolved at delivery) and local names are refused; redirects are not followed.',
      ),
  })
  .strict()
  .meta({ id: 'AirWebhookCreate' });
export const webhookView = z
  .object({ id: z.string(), cityId: z.string(), url: z.string(), createdBy: z.string(), createdAt: z.string(), disabledAt: z.string().nullable() })
  .meta({ id: 'AirWebhook' });
export const webhookCreated = webhookView.extend({ secret: z.string().describe('HMAC-SHA256 key of the X-Xietong-Signature header; shown once') }).meta({ id: 'AirWebhookCreated' });

export const consultationCreate = z
  .object({
    participants: z.array(cityId).min(1).max(30),
    summary: text,
    decisions: z.array(text).max(100).default([]),
    heldAt: instant.optional().describe('default: now'),
  })
  .strict()
  .meta({ id: 'AirWarningConsultationCreate' });
export type ConsultationCreate = z.infer<typeof consultationCreate>;
export const consultationView = z
  .object({
    id: z.string(),
    warningId: z.string(),
    participants: z.array(z.string()),
    summary: text,
    decisions: z.array(text),
    heldAt: z.string(),
    recordedBy: actor,
    recordedAt: z.string(),
  })
  .meta({ id: 'AirWarningConsultation' });
export type ConsultationView = z.infer<typeof consultationView>;

export const historyQuery = z
  .object({ city: cityId.optional(), from: instant.optional(), to: instant.optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) })
  .strict();
