// The compliance review queue: the settlements whose screening flagged a party and that wait
// for a decision, each with its matches, scores and reasons; Approve or Reject with a reason
// for the roles that may decide; and the environment's suppressions. Read again every 5 s.

import { useState } from 'react';
import { DecisionForm } from '../components/DecisionForm.tsx';
import { Matches } from '../components/Matches.tsx';
import { Pager } from '../components/Pager.tsx';
import { Section } from '../components/Section.tsx';
import { Suppressions } from '../components/Suppressions.tsx';
import { mayDecide } from '../decision.ts';
import { holds } from '../rights.ts';
import { navigate } from '../router.ts';
import { useApi } from '../useApi.ts';
import type { ComplianceReview, OfficeUser, Page } from '../types.ts';

const PAGE_SIZE = 20;
const POLL_MS = 5000;

function Review({ review, user, onChange, onDecided }: { review: ComplianceReview; user: OfficeUser; onChange: () => void; onDecided: (outcome: string) => void }) {
  const s = review.settlement;
  const parties = s.parties.map((p) => `${p.role}: ${p.name ?? p.external_reference ?? '—'}`).join(', ');
  return (
    <article className="review" data-review={s.id} aria-labelledby={`review-${s.id}`}>
      <h3 id={`review-${s.id}`}>
        <a href={`/office/settlements/${s.id}`} onClick={(e) => (e.preventDefault(), navigate(`/settlements/${s.id}`))}>
          {s.external_reference ?? s.id}
        </a>
      </h3>
      <p className="muted">
        {parties}; flagged {new Date(review.flagged_at).toLocaleString()}, times out {new Date(s.timeout_at).toLocaleString()}; review from score{' '}
        {review.screening.thresholds.review}, fail from {review.screening.thresholds.fail}
      </p>
      <Matches settlementId={s.id} matches={review.screening.matches} maySuppress={holds(user, 'compliance:review')} onSuppressed={onChange} />
      {mayDecide(user.scopes) && <DecisionForm id={s.id} onDecided={onDecided} />}
    </article>
  );
}

export function ReviewsPage({ user }: { user: OfficeUser }) {
  const [offset, setOffset] = useState(0);
  const [changes, setChanges] = useState(0);
  const queue = useApi<Page<ComplianceReview>>(`/v1/compliance/reviews?limit=${PAGE_SIZE}&offset=${offset}`, { pollMs: POLL_MS });
  // The decided settlement leaves the queue at its next read: what was decided stays said here.
  const [decided, setDecided] = useState<string | null>(null);
  const changed = () => {
    setChanges((c) => c + 1);
    queue.reload();
  };
  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">Compliance review</h1>
      <Section id="queue" title="Awaiting a decision">
        {queue.error && (
          <p role="alert" className="error">
            {queue.error}
          </p>
        )}
        {!queue.data ? <p className="loading">Loading…</p> : !queue.data.items.length && <p>No settlement waits for a decision.</p>}
        <p role="status" data-testid="decided">
          {decided}
        </p>
        {queue.data?.items.map((r) => (
          <Review
            key={r.settlement.id}
            review={r}
            user={user}
            onChange={changed}
            onDecided={(outcome) => {
              setDecided(`${outcome} ${r.settlement.external_reference ?? r.settlement.id}: it leaves the queue as the workflow goes on.`);
              changed();
            }}
          />
        ))}
        {queue.data && <Pager offset={offset} size={PAGE_SIZE} total={queue.data.total} onMove={setOffset} />}
      </Section>
      {/* A suppression made in the queue shows below at once. */}
      <Suppressions mayRevoke={holds(user, 'compliance:review')} changes={changes} />
    </section>
  );
}
