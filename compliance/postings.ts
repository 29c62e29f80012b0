// The screening index's postings (key → the spellings filed under it), packed: a key maps to a
// slot, and every slot's ids lie in one shared typed array. As a JS array per key, most grown by
// push to a capacity of 17, the shipped lists' 160,000 keys took about 30 MB of each worker's
// and API's heap. Built in two passes over the spellings (count, then fill) so that no
// array-per-key copy exists even for the length of a build.

const NONE = new Uint32Array(0);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export class Postings {
  static readonly EMPTY = new Postings(new Map(), new Uint32Array(1), NONE);

  private constructor(
    private readonly slots: Map<string, number>,
    private readonly starts: Uint32Array,
    private readonly ids: Uint32Array,
  ) {}

  /**
   * Files ids 0 … count-1 under the keys `keysOf` gives each (distinct keys per id). Yields to the
   * event loop every `yieldEvery` ids, so that a refresh does not stall the screenings it runs beside.
   */
  static async build(count: number, keysOf: (id: number) => Iterable<string>, yieldEvery = 250): Promise<Postings> {
    const slots = new Map<string, number>(); // first how many ids each key has, then its slot
    for (let id = 0; id < count; id++) {
      for (const key of keysOf(id)) slots.set(key, (slots.get(key) ?? 0) + 1);
      if ((id + 1) % yieldEvery === 0) await nextTurn();
    }
    const starts = new Uint32Array(slots.size + 1);
    let slot = 0;
    for (const [key, ids] of slots) {
      slots.set(key, slot);
      starts[slot + 1] = starts[slot]! + ids;
      slot++;
      if (slot % (20 * yieldEvery) === 0) await nextTurn();
    }
    const ids = new Uint32Array(starts[slot]!);
    const next = starts.slice(0, slot); // where each slot's next id goes
    for (let id = 0; id < count; id++) {
      for (const key of keysOf(id)) ids[next[slots.get(key)!]!++] = id;
      if ((id + 1) % yieldEvery === 0) await nextTurn();
    }
    return new Postings(slots, starts, ids);
  }

  /** The ids filed under `key`, in ascending order; empty for an unknown key. */
  get(key: string): Uint32Array {
    const slot = this.slots.get(key);
    return slot === undefined ? NONE : this.ids.subarray(this.starts[slot], this.starts[slot + 1]);
  }
}
