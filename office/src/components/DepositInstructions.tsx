// The calls the depositor sends, as the API prepared them: the office can read them out to
// a party that asks what to do.

import type { Leg, PreparedCall } from '../types.ts';

export function DepositInstructions({ leg, calls }: { leg: Leg; calls: PreparedCall[] }) {
  return (
    <div className="instructions">
      <h3>
        Deposit instructions for the {leg.from_role}'s {leg.leg_type} leg
      </h3>
      <ol>
        {calls.map((c, i) => (
          <li key={i}>
            <strong>{c.step}</strong>: from <code>{c.from}</code> to <code>{c.to}</code> on chain {c.chain_id}
            {c.value !== '0' && <> with value {c.value}</>}, data <code className="data">{c.data}</code>
          </li>
        ))}
      </ol>
    </div>
  );
}
