import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../platform/db.ts';
import { projectRoot } from '../platform/config.ts';

export const boundariesPath = path.join(projectRoot, 'data', 'geo', 'jjj-boundaries.geojson');
export const citiesPath = path.join(projectRoot, 'data', 'geo', 'cities.json');

export type CityRecord = { id: string; name_zh: string; name_en: string; lat: number; lon: number; population_m: number | null; province: string };

export function readCities(): CityRecord[] {
  return JSON.parse(fs.readFileSync(citiesPath, 'utf8')) as CityRecord[];
}

const cityView = z.object({ id: z.string(), name_zh: z.string(), name_en: z.string(), lat: z.number(), lon: z.number(), population_m: z.number().nullable(), province: z.string() }).meta({ id: 'City' });

export function geoRoutes(db: Db) {
  return (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const boundaries = fs.readFileSync(boundariesPath);
    r.get('/api/geo/cities', { schema: { tags: ['geo'], summary: '城市 / cities', response: { 200: z.object({ items: z.array(cityView) }) } } }, async () => ({
      items: await db.selectFrom('city').selectAll().orderBy('id').execute(),
    }));
    app.get(
      '/api/geo/boundaries',
      { schema: { tags: ['geo'], summary: '京津冀地市行政边界（GeoJSON，示意）/ Beijing–Tianjin–Hebei city boundaries (GeoJSON, illustrative)' } },
      async (_req, reply) => reply.type('application/geo+json').header('cache-control', 'public, max-age=3600').send(boundaries),
    );
  };
}

export async function seedCities(db: Db, cities: CityRecord[]): Promise<void> {
  for (const c of cities) {
    const row = { name_zh: c.name_zh, name_en: c.name_en, province: c.province, lat: c.lat, lon: c.lon, population_m: c.population_m };
    await db.insertInto('city').values({ id: c.id, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  }
}
