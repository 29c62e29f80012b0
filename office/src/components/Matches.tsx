// A flagged screening's matches: who matched which list entry, how, with what score and why.
// A reviewer may suppress a match that is not an exact hit (the party is not that entry); it
// counts no more from the settlement's next screening on.

import { useState } from 'react';
import { call } from '../api.ts';
import { DataTable } from './DataTable.tsx';
import { ReasonForm } from './ReasonForm.tsx';
import type { ScreeningMatch } from '../types.ts';

const keyOf = (m: ScreeningMatch) => `${m.party_role}/${m.list}/${m.entry_id}/${m.matched}`;

export function Matches({ settlementId, matches, maySuppress, onSuppressed }: { settlementId: string; matches: ScreeningMatch[]; maySuppress: boolean; onSuppressed: () => void }) {
  const [suppressing, setSuppressing] = useState<ScreeningMatch | null>(null);
  const suppress = async (m: ScreeningMatch, reason: string) => {
    await call('POST', '/v1/compliance/suppressions', { settlement_id: settlementId, party_role: m.party_role, list: m.list, entry_id: m.entry_id, reason });
    setSuppressing(null);
    onSuppressed();
  };
  return (
    <>
      <DataTable
        className="matches"
        columns={['Party', 'List entry', 'Matched', 'Score', 'Kind', 'Reason', ...(maySuppress ? [''] : [])]}
        rows={matches.map((m) => ({
          key: keyOf(m),
          attributes: { 'data-entry': m.entry_id },
          cells: [
            m.party_role,
            `${m.entry_name} (${m.list} ${m.entry_id})`,
            m.matched,
            m.score.toFixed(3),
            `${m.layer}, ${m.quality}${m.exact ? ', exact' : ''}`,
            m.reason,
            ...(maySuppress
              ? [
                  m.exact ? (
                    'an exact hit'
                  ) : (
                    <button type="button" onClick={() => setSuppressing(m)} aria-label={`Suppress ${m.entry_name} for the ${m.party_role}`}>
                      Suppress
                    </button>
                  ),
                ]
              : []),
          ],
        }))}
      />
      {suppressing && (
        <ReasonForm
          id={`suppress-reason-${settlementId}`}
          label={`Why the ${suppressing.party_role} is not ${suppressing.entry_name}`}
          action="Suppress this match"
          onSubmit={(reason) => suppress(suppressing, reason)}
          onCancel={() => setSuppressing(null)}
        />
      )}
    </>
  );
}
