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
