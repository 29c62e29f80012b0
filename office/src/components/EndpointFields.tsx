// A webhook endpoint's fields as a form holds them, and as the API takes them.

import { splitList } from '../lists.ts';
import { Field } from './Field.tsx';

export interface EndpointText extends Record<string, string> {
  url: string;
  description: string;
  /** Comma-separated event patterns. */
  events: string;
}

export const endpointBody = (f: EndpointText) => ({ url: f.url, description: f.description, events: splitList(f.events) });

export function EndpointFields({ idPrefix, form, set }: { idPrefix: string; form: EndpointText; set: (key: keyof EndpointText) => (v: string) => void }) {
  return (
    <>
      <Field id={`${idPrefix}-url`} label="Endpoint URL" type="url" value={form.url} onChange={set('url')} required />
      <Field id={`${idPrefix}-description`} label="Description" value={form.description} onChange={set('description')} />
      <Field id={`${idPrefix}-events`} label="Events (comma-separated, e.g. * or settlement.state.*)" value={form.events} onChange={set('events')} required />
    </>
  );
}
