/**
 * Where a name score becomes a review (flag) and where it fails outright. Chosen on the
 * labelled pairs in reference/name-pairs (F1 0.82 at 0.85, every STRONG pair right);
 * `npm run bench:screening` prints the figures for any pair of thresholds.
 */
export interface Thresholds {
  review: number;
  fail: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { review: 0.85, fail: 0.95 };

/**
 * What a settlement does after its screening, under its template's on_flag: goes on, waits for
 * a reviewer's decision, or rolls back (with this reason in its trail); for its workflow and its dry run alike.
 */
export type ScreeningVerdict = { next: 'proceed' } | { next: 'await_decision' } | { next: 'roll_back'; reason: string };

export function screeningVerdict(outcome: 'cleared' | 'flagged' | 'failed', onFlag: 'fail' | 'await_decision' | undefined): ScreeningVerdict {
  if (outcome === 'cleared') return { next: 'proceed' };
  if (outcome === 'flagged' && onFlag === 'await_decision') return { next: 'await_decision' };
  return { next: 'roll_back', reason: `compliance screening ${outcome}: a party matched a sanctions list entry` };
}
