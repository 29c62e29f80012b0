export function StateFilter({ states, value, onChange }: { states: string[]; value: string; onChange: (s: string) => void }) {
  return (
    <div className="filters">
      <label htmlFor="state-filter">State</label>
      <select id="state-filter" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any of the tab's</option>
        {states.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </div>
  );
}
