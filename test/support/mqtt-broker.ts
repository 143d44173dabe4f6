import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { projectRoot } from './harness.ts';

/**
 * The MQTT broker of the tests: XIETONG_TEST_MQTT_URL, or a Mosquitto on 127.0.0.1:1884 configured by
 * test/mosquitto.conf (no queue limit: the machine's default broker drops QoS 1 messages beyond 1,000
 * queued for a busy or absent subscriber). Started here when it is not running; it is left running,
 * like the PostgreSQL the integration suite uses.
 */
export const brokerUrl = process.env.XIETONG_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1884';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function ensureTestBroker(): Promise<string> {
  if (process.env.XIETONG_TEST_MQTT_URL) return brokerUrl;
  if (await reachable(1884)) return brokerUrl;
  const child = spawn('mosquitto', ['-c', path.join(projectRoot, 'test', 'mosquitto.conf')], { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
  for (let i = 0; i < 50; i++) {
    if (await reachable(1884)) return brokerUrl;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the test MQTT broker (mosquitto -c test/mosquitto.conf, 127.0.0.1:1884) did not start: install mosquitto (apt-get install mosquitto)');
}

/** Connects a publisher; fails with a clear message when the broker is not there (the test is never skipped). */
export async function connectPublisher(clientId: string): Promise<MqttClient> {
  try {
    return await mqtt.connectAsync(brokerUrl, { clientId, reconnectPeriod: 0, connectTimeout: 5000 });
  } catch (e) {
    throw new Error(`MQTT broker not reachable at ${brokerUrl} (start Mosquitto, or set XIETONG_TEST_MQTT_URL): ${(e as Error).message}`);
  }
}
