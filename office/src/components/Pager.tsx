export function Pager({ offset, size, total, onMove }: { offset: number; size: number; total: number; onMove: (offset: number) => void }) {
  const last = Math.min(offset + size, total);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onMove(Math.max(0, offset - size))}>
        Previous
      </button>
      <span>{total ? `${offset + 1}–${last} of ${total}` : 'none'}</span>
      <button type="button" disabled={last >= total} onClick={() => onMove(offset + size)}>
        Next
      </button>
    </nav>
  );
}
