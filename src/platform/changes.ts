import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * Tells every server process that tables changed, so that response caches stay correct when several
 * processes share one PostgreSQL database (or the CLI writes to it directly). Writes in this process
 * are announced at once with `announce()`; writes anywhere reach every process through a trigger that
 * calls pg_notify('xietong_change', <table>) and one LISTEN connection per process. After a lost
 * connection everything is treated as changed. With embedded PGlite only this process can write, so
 * the local announcements are all there is.
 */
export class ChangeFeed extends EventEmitter {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  announce(table: string): void {
    this.emit('change', table);
  }

  async listen(connectionString: string): Promise<void> {
    this.stopped = false;
    const client = new pg.Client({ connectionString });
    client.on('notification', (n) => this.announce(n.payload ?? '*'));
    client.on('error', () => this.reconnect(connectionString));
    client.on('end', () => this.reconnect(connectionString));
    await client.connect();
    await client.query('LISTEN xietong_change');
    this.client = client;
  }

  private reconnect(connectionString: string): void {
    if (this.stopped || this.retry) return;
    this.client = null;
    this.announce('*');
    this.retry = setTimeout(() => {
      this.retry = null;
      this.listen(connectionString).catch(() => this.reconnect(connectionString));
    }, 1000);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => {});
  }
}

/** SQL for a statement-level trigger that announces changes of `table` to every listening process. */
export function notifyTriggerSql(table: string): string[] {
  return [
    `CREATE TRIGGER ${table}_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION xietong_notify_change()`,
  ];
}

export const notifyFunctionSql = `CREATE OR REPLACE FUNCTION xietong_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('xietong_change', TG_TABLE_NAME);
  RETURN NULL;
END $$`;
