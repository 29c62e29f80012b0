// A change that is recorded with a reason (suppress a match, revoke a suppression): the reason,
// the button that sends it, and what the API answered if it refused.

import { useForm } from '../useAction.ts';

export function ReasonForm({ id, label, action, onSubmit, onCancel }: { id: string; label: string; action: string; onSubmit: (reason: string) => Promise<unknown>; onCancel: () => void }) {
  const { form, set, submit, error } = useForm({ reason: '' }, (f) => onSubmit(f.reason));
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={form.reason} onChange={(e) => set('reason')(e.target.value)} required autoFocus />
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
