import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/client.ts';
import { activityWriter } from './activityLog.ts';

type Rows = { path: string }[];

/** A database whose activity_log insert records each statement's rows, or fails as told. */
function fakeDb(fail = false) {
  const statements: Rows[] = [];
  const db = {
    activityLog: {
      createMany: ({ data }: { data: Rows }) => {
        statements.push(data);
        return fail ? Promise.reject(new Error('connection lost')) : Promise.resolve({ count: data.length });
      },
    },
  } as unknown as Db;
  return { db, statements };
}

const row = (path: string) => ({ method: 'POST', path, status: 201, ip: '127.0.0.1' });

describe('the activity log writer', () => {
  it('writes the rows of requests close together in one statement', async () => {
    vi.useFakeTimers();
    try {
      const { db, statements } = fakeDb();
      const writer = activityWriter(db, () => undefined);
      writer.add([row('/a')]);
      writer.add([row('/b'), row('/c')]);
      expect(statements).toEqual([]);
      await vi.advanceTimersByTimeAsync(50);
      writer.add([row('/d')]);
      await vi.advanceTimersByTimeAsync(50);
      expect(statements.map((s) => s.map((r) => r.path))).toEqual([['/a', '/b', '/c'], ['/d']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes a full batch at once, without waiting', () => {
    const { db, statements } = fakeDb();
    const writer = activityWriter(db, () => undefined);
    writer.add(Array.from({ length: 500 }, (_, i) => row(`/${i}`)));
    expect(statements).toHaveLength(1);
  });

  it('on close writes what waits and then each row as it comes', async () => {
    const { db, statements } = fakeDb();
    const writer = activityWriter(db, () => undefined);
    writer.add([row('/before')]);
    await writer.close();
    expect(statements).toEqual([[expect.objectContaining({ path: '/before' })]]);
    writer.add([row('/after')]);
    expect(statements).toHaveLength(2);
  });

  it('logs a failed write with how many rows it lost', async () => {
    const { db } = fakeDb(true);
    const logged: Record<string, unknown>[] = [];
    const writer = activityWriter(db, (_message, fields) => logged.push(fields));
    writer.add([row('/x'), row('/x')]);
    await writer.close();
    expect(logged).toEqual([{ error: 'connection lost', rows: 2, paths: ['/x'] }]);
  });
});
