/** Tabs over a list: each a filter of it, one chosen. */
export function Tabs<T extends string>({ tabs, current, onChoose, label }: { tabs: readonly T[]; current: T; onChoose: (t: T) => void; label: string }) {
  return (
    <div role="tablist" aria-label={label} className="tabs">
      {tabs.map((t) => (
        <button key={t} type="button" role="tab" aria-selected={t === current} onClick={() => onChoose(t)}>
          {t}
        </button>
      ))}
    </div>
  );
}
