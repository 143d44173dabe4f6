/**
 * GTFS reader benchmark: parses each NYC feed (../shared/data/nyc) in a fresh process and prints wall
 * time, peak RSS and row counts. `node --import tsx bench/gtfs-parse.ts [feed.zip ...]`.
 * With `--one <file>` it parses a single feed in this process (used by the parent run).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFeed } from '../src/transit/gtfs/reader.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args[0] === '--one') {
  const file = args[1]!;
  const t0 = performance.now();
  const { feed, report } = await readFeed(file);
  const ms = performance.now() - t0;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      feed: report.feedId,
      ms: Math.round(ms),
      peakRssMb: Math.round(rssMb),
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576),
      stops: feed?.stops.length,
      trips: feed?.trips.length,
      stopTimes: feed?.stopTimes.count,
      errors: report.errors,
      warnings: report.warnings,
    }),
  );
} else {
  const nyc = path.resolve(here, '../../shared/data/nyc');
  const files = args.length ? args : ['subway', 'lirr', 'mnr', 'bus_m'].map((f) => path.join(nyc, `${f}.gtfs.zip`));
  let total = 0;
  for (const f of files) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', f], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const line = r.stdout.trim().split('\n').at(-1)!;
    total += (JSON.parse(line) as { ms: number }).ms;
    console.log(line);
  }
  console.log(`total parse time ${total} ms`);
}
