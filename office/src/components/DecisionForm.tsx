// Approve or reject a flagged screening, with a reason (POST …/compliance-decision). Under the
// environment's four eyes the API refuses the settlement's creator, and the refusal is shown.

import { useState } from 'react';
import { call } from '../api.ts';
import { useAction } from '../useAction.ts';

export function DecisionForm({ id, onDecided }: { id: string; onDecided?: (outcome: string) => void }) {
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const { error, run } = useAction();
  const decide = (decision: 'approve' | 'reject') =>
    run(async () => {
      await call('POST', `/v1/settlements/${id}/compliance-decision`, { decision, reason });
      const outcome = decision === 'approve' ? 'Approved' : 'Rejected';
      setSent(outcome);
      onDecided?.(outcome);
    });
  return (
    <div className="decision">
      <label htmlFor={`decision-reason-${id}`}>Reason</label>
      <textarea id={`decision-reason-${id}`} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
      <div className="actions">
        <button type="button" onClick={() => decide('approve')} disabled={sent !== null}>
          Approve
        </button>
        <button type="button" onClick={() => decide('reject')} disabled={sent !== null}>
          Reject
        </button>
      </div>
      <p role="status" className={error ? 'error' : undefined}>
        {error ?? sent}
      </p>
    </div>
  );
}
