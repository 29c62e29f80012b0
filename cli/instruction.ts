// The KeyStone guide's example settlement, between the stack's demo wallets.

import { randomUUID } from 'node:crypto';
import type { Manifest } from '../stack/manifest.ts';

export function guideInstruction(manifest: Manifest, timeoutMs = 10 * 60_000) {
  const { buyer, seller } = manifest.wallets;
  const chainId = manifest.chain.chain_id;
  return {
    idempotency_key: `dvp-${randomUUID()}`,
    template_id: 'dvp-standard',
    timeout_at: new Date(Date.now() + timeoutMs).toISOString(),
    parties: [
      { role: 'buyer', external_reference: 'alice-001', name: 'Alice (Buyer)', wallet_address: buyer.address, chain_id: chainId },
      { role: 'seller', external_reference: 'bob-001', name: 'Bob (Seller)', wallet_address: seller.address, chain_id: chainId },
    ],
    legs: [
      { leg_type: 'asset', instrument_id: manifest.chain.tokens.DEMO!.address, quantity: '100', direction: 'deliver', party_role: 'seller' },
      { leg_type: 'payment', instrument_id: 'USDC', quantity: '50000', direction: 'deliver', party_role: 'buyer' },
    ],
  };
}

/** The same trade as two instructions, each side's own view of it (KeyStone's InstructionCreate). */
export function guideSides(manifest: Manifest, timeoutMs = 10 * 60_000) {
  const { parties, legs, timeout_at, template_id } = guideInstruction(manifest, timeoutMs);
  return Object.fromEntries(
    parties.map((party) => {
      const { role, ...own } = party;
      return [
        role,
        {
          idempotency_key: `dvp-${role}-${randomUUID()}`,
          template_slug: template_id,
          role,
          party: own,
          // Each side sees every leg: what it delivers and what it receives.
          legs: legs.map(({ party_role, direction, ...leg }) => ({ ...leg, direction: party_role === role ? direction : 'receive' })),
          timeout_at,
        },
      ];
    }),
  ) as unknown as Record<'buyer' | 'seller', Record<string, unknown>>;
}
