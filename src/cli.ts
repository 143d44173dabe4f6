import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { loadConfig, ConfigError, type Config } from './platform/config.ts';
import { DataDirLockedError, readLock, type LockInfo } from './platform/db-lock.ts';
import { AppError } from './platform/errors.ts';
import { CliError, EXIT } from './platform/cli-error.ts';
import { createToken, formatScope, parseScope, roles, toTokenView, type Principal, type Role } from './platform/auth.ts';
import { appendAudit } from './platform/audit.ts';
import { t } from './platform/i18n.ts';
import { openPlatform, seedPlatform, startServer, version, type Platform } from './server.ts';
import { projectStatuses } from './plan/model.ts';
import { registerTransitCommands } from './transit/transit.cli.ts';
import { registerAirCommands } from './air/air.cli.ts';
import { registerAirImport } from './air/air.import.ts';
import { airDemoDir } from './server.ts';
import path from 'node:path';

export { EXIT };

const cliPrincipal: Principal = { tokenId: 'local-cli', label: 'local CLI', role: 'admin', scope: { cityId: null, departmentId: null } };

function print(json: boolean, data: unknown, text: () => string) {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

/** A server that holds the embedded database: writes go through its API with the local control secret. */
function runningServer(config: Config): (LockInfo & { secret: string }) | null {
  if (config.databaseUrl) return null;
  const lock = readLock(config.dataDir);
  if (!lock?.serverUrl || !lock.controlSecretFile) return null;
  try {
    process.kill(lock.pid, 0);
  } catch {
    return null;
  }
  try {
    return { ...lock, secret: fs.readFileSync(lock.controlSecretFile, 'utf8').trim() };
  } catch {
    return null;
  }
}

async function callApi(server: { serverUrl?: string; secret: string }, method: string, urlPath: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(`${server.serverUrl}${urlPath}`, {
    method,
    headers: {
      authorization: `Bearer ${server.secret}`,
      'accept-language': process.env.LANG?.startsWith('zh') ? 'zh-CN' : 'en',
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    ...(body !== undefined ? { body: Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : null;
  // A rejected GTFS feed is an answer with its report, not a failure of the call.
  if (res.status === 422 && data && typeof data === 'object' && 'report' in data) return data;
  if (!res.ok) {
    const p = data as { detail?: string; errors?: { field: string; message: string }[] };
    const lines = [p?.detail ?? `HTTP ${res.status}`, ...(p?.errors ?? []).map((e) => `  ${e.field}: ${e.message}`)];
    throw new CliError(lines.join('\n'), res.status === 404 ? EXIT.notFound : res.status === 401 || res.status === 403 ? EXIT.auth : EXIT.invalid);
  }
  return data;
}

/** Runs `fn` against the database directly, or through the running server's API when it holds it. */
async function withPlatform<T>(config: Config, command: string, direct: (p: Platform) => Promise<T>, viaApi?: (s: LockInfo & { secret: string }) => Promise<T>): Promise<T> {
  const server = runningServer(config);
  if (server) {
    if (viaApi) return viaApi(server);
    throw new CliError(
      `The embedded database ${config.dataDir} is held by the Xietong server (PID ${server.pid}, ${server.serverUrl}).\n` +
        `'${command}' cannot run while it does: stop the server first (kill ${server.pid}), or run against PostgreSQL with DATABASE_URL.`,
      EXIT.locked,
    );
  }
  const p = await openPlatform(config, `xietong ${command}`, { listen: false });
  try {
    return await direct(p);
  } finally {
    await p.close();
  }
}

function scopeOption(v: string) {
  return parseScope(v);
}

export function buildCli(): Command {
  const program = new Command();
  program
    .name('xietong')
    .description('协同 Xietong — open platform for Shijiazhuang\'s part of the Beijing–Tianjin–Hebei coordinated-development plan')
    .version(version)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('run the API, dashboard and OpenAPI docs (PORT, HOST, DATABASE_URL, XIETONG_DATA_DIR)')
    .action(async () => {
      const config = loadConfig();
      const s = await startServer(config);
      s.app.log.info(`Xietong ${version} on ${s.url} (database: ${s.platform.handle.kind} ${s.platform.handle.location}); docs ${s.url}/docs`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        s.app.log.info(`${signal}: shutting down`);
        const timer = setTimeout(() => process.exit(1), 10_000);
        timer.unref();
        await s.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      await withPlatform(config, 'migrate', async (p) => {
        const rows = await p.handle.db.selectFrom('xietong_migration' as never).select(['name' as never]).execute();
        print(!!o.json, { database: p.handle.kind, applied: rows.map((r) => (r as { name: string }).name) }, () =>
          `Database ${p.handle.kind} (${p.handle.location}) is at the latest schema: ${rows.length} migrations applied.`);
      });
    });

  program
    .command('seed')
    .description('load the bundled regional dataset (cities, plan goals and key projects); keeps records that exist')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      await withPlatform(config, 'seed', async (p) => {
        const r = await seedPlatform(p, true);
        print(!!o.json, r, () => `Seeded ${r.cities} cities, ${r.goals} new goals, ${r.projects} new key projects.`);
      });
    });

  const token = program.command('token').description('API tokens (random, shown once, stored hashed)');
  token
    .command('create')
    .description('create a token; editors write only inside their scope')
    .addOption(new Option('--role <role>', 'admin | editor | viewer').choices(roles).makeOptionMandatory())
    .option('--scope <scope>', 'city:<id>[/dept:<id>] or dept:<id> (default: everything)', scopeOption)
    .option('--label <label>', 'who or what the token is for')
    .option('--json', 'machine-readable output')
    .action(async (o: { role: Role; scope?: ReturnType<typeof parseScope>; label?: string; json?: boolean }) => {
      const config = loadConfig();
      const scope = o.scope ?? { cityId: null, departmentId: null };
      const out = await withPlatform(
        config,
        'token create',
        async (p) =>
          p.handle.db.transaction().execute(async (tx) => {
            const created = await createToken(tx, { role: o.role, scope, label: o.label ?? null, createdBy: cliPrincipal.tokenId });
            await appendAudit(tx, { principal: cliPrincipal, action: 'create', entityType: 'platform.token', entityId: created.id, before: null, after: created.row });
            return { ...created.row, token: created.token };
          }),
        async (s) => (await callApi(s, 'POST', '/api/tokens', { role: o.role, scope: formatScope(scope) === '*' ? undefined : formatScope(scope), label: o.label })) as ReturnType<typeof toTokenView> & { token: string },
      );
      print(!!o.json, out, () =>
        [`Token ${out.id} (${out.role}, scope ${formatScope(out.scope)}${out.label ? `, ${out.label}` : ''}):`, '', `  ${out.token}`, '', 'Store it now: it is not shown again. Send it as "Authorization: Bearer <token>".'].join('\n'));
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig();
      const items = await withPlatform(
        config,
        'token list',
        async (p) => (await p.handle.db.selectFrom('auth_token').selectAll().orderBy('created_at').execute()).map(toTokenView),
        async (s) => ((await callApi(s, 'GET', '/api/tokens')) as { items: ReturnType<typeof toTokenView>[] }).items,
      );
      print(!!o.json, items, () =>
        items.map((x) => `${x.id}\t${x.role}\t${formatScope(x.scope)}\t${x.revokedAt ? `revoked ${x.revokedAt}` : 'active'}\t${x.label ?? ''}`).join('\n') || '(no tokens)');
    });
  token
    .command('revoke <id>')
    .description('revoke a token')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const config = loadConfig();
      const out = await withPlatform(
        config,
        'token revoke',
        async (p) =>
          p.handle.db.transaction().execute(async (tx) => {
            const row = await tx.selectFrom('auth_token').selectAll().where('id', '=', id).executeTakeFirst();
            if (!row) throw new CliError(`No token ${id}`, EXIT.notFound);
            const updated = await tx.updateTable('auth_token').set({ revoked_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
            await appendAudit(tx, { principal: cliPrincipal, action: 'update', entityType: 'platform.token', entityId: id, before: toTokenView(row), after: toTokenView(updated) });
            return toTokenView(updated);
          }),
        async (s) => (await callApi(s, 'DELETE', `/api/tokens/${encodeURIComponent(id)}`)) as ReturnType<typeof toTokenView>,
      );
      print(!!o.json, out, () => `Token ${out.id} revoked at ${out.revokedAt}.`);
    });

  const plan = program.command('plan').description('plan registry: goals, indicators, key projects');
  const lang = () => (process.env.LANG?.startsWith('zh') ? 'zh' : 'en') as 'zh' | 'en';
  plan
    .command('goals')
    .description('list goals and their indicators')
    .option('--pillar <id>', 'only this pillar')
    .option('--json', 'machine-readable output')
    .action(async (o: { pillar?: string; json?: boolean }) => {
      const config = loadConfig();
      const goals = await withPlatform(config, 'plan goals', (p) => p.plan.listGoals(o.pillar), async (s) =>
        ((await callApi(s, 'GET', `/api/plan/goals${o.pillar ? `?pillar=${encodeURIComponent(o.pillar)}` : ''}`)) as { items: Awaited<ReturnType<Platform['plan']['listGoals']>> }).items);
      const l = lang();
      print(!!o.json, goals, () =>
        goals
          .map((g) =>
            [`${g.id}  ${g.name[l]}`, ...g.indicators.map((i) => `    ${i.name[l]}: ${i.value ?? (l === 'zh' ? '尚未测量' : 'not yet measured')} (target ${i.target ?? i.targetText?.[l] ?? '-'} ${i.unit[l]})`)].join('\n'),
          )
          .join('\n'));
    });
  plan
    .command('projects')
    .description('list key projects with their status lights')
    .option('--category <id>')
    .option('--city <id>')
    .addOption(new Option('--status <status>').choices(projectStatuses))
    .addOption(new Option('--light <color>').choices(['green', 'yellow', 'red', 'none']))
    .option('--json', 'machine-readable output')
    .action(async (o: { category?: string; city?: string; status?: string; light?: string; json?: boolean }) => {
      const config = loadConfig();
      const filter = { category: o.category, city: o.city, status: o.status, light: o.light };
      const qs = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => !!e[1])).toString();
      const items = await withPlatform(config, 'plan projects', (p) => p.plan.listProjects(filter), async (s) =>
        ((await callApi(s, 'GET', `/api/plan/projects${qs ? `?${qs}` : ''}`)) as { items: Awaited<ReturnType<Platform['plan']['listProjects']>> }).items);
      const l = lang();
      print(!!o.json, items, () => items.map((p) => `${(p.number ?? '-').padEnd(5)} ${p.light.color.padEnd(6)} ${p.status.padEnd(11)} ${p.id}  ${p.name[l]}`).join('\n'));
    });
  plan
    .command('set-status <projectId> <status>')
    .description(`set a key project's status (${projectStatuses.join(' | ')})`)
    .option('--json', 'machine-readable output')
    .action(async (id: string, status: string, o: { json?: boolean }) => {
      if (!(projectStatuses as readonly string[]).includes(status)) throw new CliError(`status must be one of ${projectStatuses.join(', ')}`, EXIT.usage);
      const config = loadConfig();
      const body = { status: status as (typeof projectStatuses)[number] };
      const out = await withPlatform(config, 'plan set-status', (p) => p.plan.patchProject(cliPrincipal, id, body), async (s) =>
        (await callApi(s, 'PATCH', `/api/plan/projects/${encodeURIComponent(id)}`, body)) as Awaited<ReturnType<Platform['plan']['getProject']>>);
      print(!!o.json, out, () => `${out.id}: ${out.status}, light ${out.light.color} (${out.light.reason[lang()]})`);
    });

  registerTransitCommands(program, {
    principal: cliPrincipal,
    withTransit: (command, direct, viaApi) =>
      withPlatform(loadConfig(), command, (p) => direct({ transit: p.transit, planner: p.planner }), (server) => viaApi((method, urlPath, body, contentType) => callApi(server, method, urlPath, body, contentType))),
    print,
  });

  registerAirCommands(program);
  registerAirImport(
    program,
    {
      withAir: (command, direct, viaApi) =>
        withPlatform(loadConfig(), command, (p) => direct(p.air), (server) => viaApi((method, urlPath, body) => callApi(server, method, urlPath, body))),
      ingestDirect: (air, rows) => air.ingest(cliPrincipal, { rows, errors: [], received: rows.length }, 'file'),
      print,
    },
    path.join(airDemoDir, 'stations.json'),
  );

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`xietong: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof DataDirLockedError) {
      process.stderr.write(`xietong: ${e.message}\n`);
      return EXIT.locked;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`xietong: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof AppError) {
      const l = process.env.LANG?.startsWith('zh') ? 'zh' : 'en';
      const fields = e.errors.map((f) => `  ${f.field}: ${typeof f.message === 'string' ? f.message : f.message[l]}`);
      process.stderr.write(`xietong: ${[t(l, e.messageKey, e.params), ...fields].join('\n')}\n`);
      return e.status === 404 ? EXIT.notFound : e.status === 401 || e.status === 403 ? EXIT.auth : EXIT.invalid;
    }
    process.stderr.write(`xietong: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.failure;
  }
}

const isMain = !!process.argv[1] && import.meta.url === new URL(`file://${fs.realpathSync(process.argv[1])}`).href;
if (isMain) {
  const code = await main(process.argv);
  // `serve` keeps running; every other command exits with its code.
  if (process.argv[2] !== 'serve' || code !== EXIT.ok) process.exit(code);
}
