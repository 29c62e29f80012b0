// IsSettled's restrictions of a client and its tokens, as comma-separated lists: IP ranges
// (addresses or CIDR ranges), endpoints ("METHOD /path", * for the rest of the path) and
// wallets (the settlements it may touch have one of them). Empty: no restriction.

import { Field } from './Field.tsx';

export interface RestrictionText {
  ip_ranges: string;
  endpoints: string;
  wallets: string;
}

export const NO_RESTRICTIONS: RestrictionText = { ip_ranges: '', endpoints: '', wallets: '' };

export function RestrictionFields({ idPrefix, value, onChange }: { idPrefix: string; value: RestrictionText; onChange: (v: RestrictionText) => void }) {
  const set = (key: keyof RestrictionText) => (v: string) => onChange({ ...value, [key]: v });
  return (
    <>
      <Field id={`${idPrefix}-ip-ranges`} label="IP ranges (comma-separated, e.g. 203.0.113.0/24)" value={value.ip_ranges} onChange={set('ip_ranges')} />
      <Field id={`${idPrefix}-endpoints`} label="Endpoints (comma-separated, e.g. GET /v1/settlements/*)" value={value.endpoints} onChange={set('endpoints')} />
      <Field id={`${idPrefix}-wallets`} label="Wallets (comma-separated addresses)" value={value.wallets} onChange={set('wallets')} />
    </>
  );
}
