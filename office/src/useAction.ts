// A change a page sends the API, from a button or a form: what the API refused, shown beside
// it and cleared at the next try. A form's fields are held as text until it is sent. Both are
// handlers a button or form calls and forgets: what follows the change is in `work`.

import { useState, type FormEvent } from 'react';
import { errorText } from './useApi.ts';

export function useAction(): { error: string | null; run: (work: () => Promise<unknown>) => void } {
  const [error, setError] = useState<string | null>(null);
  const run = (work: () => Promise<unknown>) => {
    setError(null);
    work().catch((err: unknown) => setError(errorText(err)));
  };
  return { error, run };
}

export function useForm<F extends Record<string, string>>(initial: F, send: (form: F) => Promise<unknown>) {
  const [form, setForm] = useState(initial);
  const { error, run } = useAction();
  const set = (key: keyof F) => (value: string) => setForm({ ...form, [key]: value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(() => send(form));
  };
  return { form, setForm, set, submit, error };
}
