// The states the benchmark's settlements reach, from one platform environment's event feed
// (GET /v1/platforms/me/events, what `lockstep listen` reads): one request every FOLLOW_MS
// whatever the concurrency, where reading each settlement until it moved was one request per
// settlement every 200 ms, the API's cores spent on the measurement itself. A client of the
// engine follows settlements this way too (or by webhooks).

import type { LockstepApi } from '../cli/apiClient.ts';

interface Feed {
  items: { event: string; body: { data: { settlement_id?: string; state?: string } } }[];
  next_after: string;
}

/**
 * How often the feed is read: adds up to this much to a wait, besides the feed's own holding
 * back of an event until every write transaction older than it has ended (db/eventFeed.ts).
 */
const FOLLOW_MS = 50;

export class StateFollower {
  /** Every state each settlement has entered so far. */
  private readonly reached = new Map<string, Set<string>>();
  private readonly waiters = new Map<string, { states: string[]; resolve: (state: string) => void; reject: (err: Error) => void }[]>();
  private stopped = false;
  /** Why the feed could not be read: every wait fails with it rather than hanging. */
  private failure: Error | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly api: LockstepApi) {}

  /** Begins at the feed's present: events from before are not followed. */
  async start(): Promise<void> {
    const after = (await this.api.request<Feed>('GET', '/v1/platforms/me/events')).next_after;
    this.loop = this.follow(after).catch((err: unknown) => {
      const failure = (this.failure = err instanceof Error ? err : new Error(String(err)));
      for (const w of [...this.waiters.values()].flat()) w.reject(failure);
      this.waiters.clear();
    });
  }

  private async follow(after: string): Promise<void> {
    while (!this.stopped) {
      const feed = await this.api.request<Feed>('GET', `/v1/platforms/me/events?after=${after}&limit=500`);
      for (const { event, body } of feed.items) {
        const { settlement_id: id, state } = body.data;
        if (event.startsWith('settlement.state.') && id && state) this.enter(id, state);
      }
      after = feed.next_after;
      if (feed.items.length < 500) await new Promise((r) => setTimeout(r, FOLLOW_MS));
    }
  }

  /** The first of `states` the settlement enters (or has entered already). */
  until(id: string, states: string[]): Promise<string> {
    const already = states.find((s) => this.reached.get(id)?.has(s));
    if (already) return Promise.resolve(already);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), { states, resolve, reject }]));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private enter(id: string, state: string): void {
    this.reached.set(id, (this.reached.get(id) ?? new Set()).add(state));
    const waiting = this.waiters.get(id) ?? [];
    const done = waiting.filter((w) => w.states.includes(state));
    this.waiters.set(id, waiting.filter((w) => !done.includes(w)));
    for (const w of done) w.resolve(state);
  }
}
