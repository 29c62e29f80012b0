import { TABS, type Tab } from '../tabs.ts';

export function Tabs({ current, onChoose }: { current: Tab; onChoose: (t: Tab) => void }) {
  return (
    <div role="tablist" className="tabs">
      {TABS.map((t) => (
        <button key={t} type="button" role="tab" aria-selected={t === current} onClick={() => onChoose(t)}>
          {t}
        </button>
      ))}
    </div>
  );
}
