/**
 * Server-sent event streams of warning notifications, one per connected client and city. Streams read
 * from the database, not from memory: a wake-up (a local commit, a change announced by another process
 * through the ChangeFeed, or the heartbeat) makes one pump send every notification after each stream's
 * last id. The event id is the notification id, so `Last-Event-ID` replays exactly what a client missed.
 */
export type SseSink = {
  /** False when the stream is closed (the chunk was not sent). */
  write(chunk: string): boolean;
  end(): void;
};

export type SseStream = { id: number; cityId: string; lastId: number; sink: SseSink; remote: string };

export type SseEvent = { id: number; event: string; data: unknown };

export type SsePump = (streams: SseStream[]) => Promise<void>;

export function formatEvent(e: SseEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export class SseHub {
  private streams = new Map<number, SseStream>();
  private nextId = 1;
  private running: Promise<void> | null = null;
  private again = false;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private pump: SsePump,
    private heartbeatMs: number,
    private onError: (e: unknown) => void,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  add(cityId: string, lastId: number, sink: SseSink, remote: string): SseStream {
    const s: SseStream = { id: this.nextId++, cityId, lastId, sink, remote };
    this.streams.set(s.id, s);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const st of this.streams.values()) st.sink.write(`: heartbeat ${new Date().toISOString()}\n\n`);
        this.wake();
      }, this.heartbeatMs);
      this.heartbeat.unref();
    }
    this.wake();
    return s;
  }

  remove(id: number): void {
    this.streams.delete(id);
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  /** Runs the pump now, or once more after the running one: no notification is sent twice to a stream. */
  wake(): void {
    if (this.streams.size === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pump([...this.streams.values()]);
        } catch (e) {
          this.onError(e);
        }
      } while (this.again && this.streams.size > 0);
      this.running = null;
    })();
  }

  /** Waits for a running pump (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  closeAll(): void {
    for (const s of this.streams.values()) s.sink.end();
    this.streams.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
