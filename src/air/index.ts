/** Public face of the air domain: stations, observations, ingestion (HTTP, MQTT) and the open-data reads. */
export { airMigrations } from './migrations.ts';
export { AirStore, type AirDb, type AirTables } from './air.store.ts';
export { AirService, loadAirDemo, type IngestResult } from './air.service.ts';
export { AirMqttSubscriber, type MqttOptions } from './air.mqtt.ts';
export { airRoutes } from './air.routes.ts';
export { parseCsvBatch, parseJsonBatch, type ObservationRow } from './air.ingest.ts';
