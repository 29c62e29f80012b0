// Approve or reject a flagged screening, with a reason (POST …/compliance-decision). The page's
// polling shows what the workflow does next.

import { useState } from 'react';
import { call } from '../api.ts';
import { Section } from './Section.tsx';

export function ComplianceDecision({ id }: { id: string }) {
  const [reason, setReason] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: 'approve' | 'reject') => {
    setError(null);
    try {
      await call('POST', `/v1/settlements/${id}/compliance-decision`, { decision, reason });
      setSent(decision === 'approve' ? 'Approved' : 'Rejected');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Section id="decision" title="Compliance decision">
      <p>The screening flagged a party and the settlement waits for a decision (the matches are in the timeline).</p>
      <label htmlFor="decision-reason">Reason</label>
      <textarea id="decision-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
      <div className="actions">
        <button type="button" onClick={() => void decide('approve')} disabled={sent !== null}>
          Approve
        </button>
        <button type="button" onClick={() => void decide('reject')} disabled={sent !== null}>
          Reject
        </button>
      </div>
      <p role="status">{error ?? sent}</p>
    </Section>
  );
}
