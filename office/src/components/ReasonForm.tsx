// A change that is recorded with a reason (suppress a match, revoke a suppression): the reason,
// the button that sends it, and what the API answered if it refused.

import { useState, type FormEvent } from 'react';
import { errorText } from '../useApi.ts';

export function ReasonForm({ id, label, action, onSubmit, onCancel }: { id: string; label: string; action: string; onSubmit: (reason: string) => Promise<unknown>; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await onSubmit(reason);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
      <button type="submit">{action}</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
