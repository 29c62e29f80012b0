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
