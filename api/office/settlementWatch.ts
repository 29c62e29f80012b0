// What the Web Office's open detail pages wait for: a new transition of their settlement. One
// read each tick asks the latest sequence of every watched settlement at once (by the events'
// unique index), and only while some page watches: the browser is told at once, without each
// page asking the API every few seconds. The ids were checked against each watcher's scope
// when it began to watch; the read sees only their sequence numbers.

export type LatestSequences = (settlementIds: string[]) => Promise<Map<string, number>>;

type Watcher = (sequence: number) => void;

export class SettlementWatch {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(
    private readonly latest: LatestSequences,
    private readonly intervalMs: number,
    private readonly log: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  /** Calls `onSequence` with the settlement's latest sequence from the next tick on, and after each change; returns the unwatch. */
  watch(settlementId: string, onSequence: Watcher): () => void {
    const set = this.watchers.get(settlementId) ?? new Set();
    set.add(onSequence);
    this.watchers.set(settlementId, set);
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs).unref();
    return () => {
      set.delete(onSequence);
      if (!set.size) this.watchers.delete(settlementId);
      if (!this.watchers.size) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** One read for every watched settlement; a slow read is not overlapped by the next tick's. */
  async tick(): Promise<void> {
    if (this.reading || !this.watchers.size) return;
    this.reading = true;
    try {
      const sequences = await this.latest([...this.watchers.keys()]);
      for (const [id, sequence] of sequences) for (const watcher of this.watchers.get(id) ?? []) watcher(sequence);
    } catch (err) {
      this.log('settlement watch read failed', { error: String(err) });
    } finally {
      this.reading = false;
    }
  }
}
