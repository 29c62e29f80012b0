import type { ListFilters } from '../tabs.ts';
import type { Template } from '../types.ts';

/** The list's filters beside the state: template, a range of creation days, a party's reference. */
export function ListFilterForm({ templates, value, onChange }: { templates: Template[]; value: ListFilters; onChange: (f: ListFilters) => void }) {
  const set = (key: keyof ListFilters) => (e: { target: { value: string } }) => onChange({ ...value, [key]: e.target.value });
  return (
    <div className="filters">
      <label htmlFor="template-filter">Template</label>
      <select id="template-filter" value={value.template} onChange={set('template')}>
        <option value="">any</option>
        {[...new Map(templates.map((t) => [t.slug, t])).values()].map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name}
          </option>
        ))}
      </select>
      <label htmlFor="from-filter">Created from</label>
      <input id="from-filter" type="date" value={value.from} onChange={set('from')} />
      <label htmlFor="to-filter">to</label>
      <input id="to-filter" type="date" value={value.to} onChange={set('to')} />
      <label htmlFor="party-filter">Party reference</label>
      <input id="party-filter" type="search" value={value.partyReference} onChange={set('partyReference')} />
    </div>
  );
}
