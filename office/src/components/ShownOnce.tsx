// A secret the API gives in one answer only (a signing secret, a client secret, a password):
// shown until the person says they have it, never stored, never shown again.

export function ShownOnce({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  return (
    <div className="shown-once" role="alert" aria-live="assertive">
      <p>
        <strong>{label}</strong> (shown this once: copy it now)
      </p>
      <code data-testid="secret">{secret}</code>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
