import { sql, type Kysely, type Migration } from 'kysely';
import { notifyTriggerSql } from '../platform/changes.ts';

const m0100: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('plan_pillar')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ord', 'integer', (c) => c.notNull())
      .addColumn('name', 'jsonb', (c) => c.notNull())
      .addColumn('summary', 'jsonb', (c) => c.notNull())
      .execute();
    for (const t of ['plan_category', 'plan_department']) {
      await db.schema
        .createTable(t)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .execute();
    }
    await db.schema
      .createTable('plan_goal')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pillar_id', 'text', (c) => c.notNull().references('plan_pillar.id'))
      .addColumn('ord', 'integer', (c) => c.notNull())
      .addColumn('name', 'jsonb', (c) => c.notNull())
      .addColumn('description', 'jsonb', (c) => c.notNull())
      .addColumn('source_quote', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('plan_indicator')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('goal_id', 'text', (c) => c.notNull().references('plan_goal.id').onDelete('cascade'))
      .addColumn('ord', 'integer', (c) => c.notNull())
      .addColumn('name', 'jsonb', (c) => c.notNull())
      .addColumn('unit', 'jsonb', (c) => c.notNull())
      .addColumn('target', 'numeric')
      .addColumn('target_text', 'jsonb')
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('engine', 'text', (c) => c.notNull())
      .addColumn('value', 'numeric')
      .addColumn('measured_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('plan_indicator_goal_idx').on('plan_indicator').columns(['goal_id', 'ord']).execute();
    await db.schema
      .createTable('plan_project')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text')
      .addColumn('name', 'jsonb', (c) => c.notNull())
      .addColumn('description', 'jsonb', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull().references('plan_category.id'))
      .addColumn('city_id', 'text', (c) => c.notNull().references('city.id'))
      .addColumn('owner_department', 'text', (c) => c.notNull().references('plan_department.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createTable('plan_milestone')
      .addColumn('project_id', 'text', (c) => c.notNull().references('plan_project.id').onDelete('cascade'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('ord', 'integer', (c) => c.notNull())
      .addColumn('name', 'jsonb', (c) => c.notNull())
      .addColumn('planned_date', 'date')
      .addColumn('done_date', 'date')
      .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
      .addPrimaryKeyConstraint('plan_milestone_pk', ['project_id', 'id'])
      .execute();
    await db.schema
      .createTable('plan_light_rule')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('yellow_from_points', 'integer', (c) => c.notNull())
      .addColumn('red_above_points', 'integer', (c) => c.notNull())
      .addColumn('consecutive_yellows_for_red', 'integer', (c) => c.notNull())
      .addColumn('evaluation_period', 'text', (c) => c.notNull())
      .addColumn('description', 'jsonb', (c) => c.notNull())
      .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['plan_light_rule', 'plan_milestone', 'plan_project', 'plan_indicator', 'plan_goal', 'plan_department', 'plan_category', 'plan_pillar']) {
      await db.schema.dropTable(t).execute();
    }
  },
};

export const planTables = ['plan_pillar', 'plan_category', 'plan_department', 'plan_goal', 'plan_indicator', 'plan_project', 'plan_milestone', 'plan_light_rule'] as const;

const m0101: Migration = {
  async up(db: Kysely<any>) {
    for (const t of planTables) for (const q of notifyTriggerSql(t)) await sql.raw(q).execute(db);
  },
  async down(db: Kysely<any>) {
    for (const t of planTables) await sql.raw(`DROP TRIGGER IF EXISTS ${t}_notify ON ${t}`).execute(db);
  },
};

export const planMigrations = { '0100_plan': m0100, '0101_plan_notify': m0101 };
