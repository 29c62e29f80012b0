import { describe, expect, it } from 'vitest';
import type { Models } from './client.ts';
import { InvalidClientSettings, updateApiClient } from './clients.ts';

function recordingClients() {
  const updates: { data: Record<string, unknown> }[] = [];
  const apiClient = {
    async update(args: { data: Record<string, unknown> }) {
      updates.push(args);
      return { allowedIpRanges: [], permittedEndpoints: [], allowedWallets: [], ...args.data };
    },
  };
  return { db: { apiClient } as unknown as Models, updates };
}

describe('updateApiClient', () => {
  it('changes restrictions and deactivates in one statement, so a change is never made by halves', async () => {
    const { db, updates } = recordingClients();
    await updateApiClient(db, 'c1', { ipRanges: ['10.0.0.0/8'], active: false });
    expect(updates).toEqual([expect.objectContaining({ data: { allowedIpRanges: ['10.0.0.0/8'], active: false } })]);
  });

  it('writes nothing when a restriction is malformed', async () => {
    const { db, updates } = recordingClients();
    await expect(updateApiClient(db, 'c1', { wallets: ['0x12'], active: false })).rejects.toThrow(InvalidClientSettings);
    expect(updates).toEqual([]);
  });
});
