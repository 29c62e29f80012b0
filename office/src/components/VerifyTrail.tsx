// The trail's hash chain checked by the API (GET …/events/verify), as `lockstep trail verify` does.

import { useState } from 'react';
import { call } from '../api.ts';
import { Section } from './Section.tsx';
import type { TrailVerdict } from '../types.ts';

export function VerifyTrail({ id }: { id: string }) {
  const [verdict, setVerdict] = useState<TrailVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const verify = async () => {
    setError(null);
    try {
      setVerdict(await call<TrailVerdict>('GET', `/v1/settlements/${id}/events/verify`));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Section id="verify" title="Audit trail">
      <button type="button" onClick={() => void verify()}>
        Verify trail
      </button>
      <p role="status" className="verdict">
        {error ??
          (verdict &&
            (verdict.valid
              ? `Intact: ${verdict.events} events, each hash chained to the one before.`
              : `Broken at event ${verdict.first_broken!.sequence}: ${verdict.first_broken!.reason}`))}
      </p>
    </Section>
  );
}
