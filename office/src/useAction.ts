// A change a page sends the API, from a button or a form: what the API refused, shown beside
// it and cleared at the next try. A form's fields are held as text until it is sent.

import { useState, type FormEvent } from 'react';
import { errorText } from './useApi.ts';

export function useAction(): { error: string | null; run: <T>(work: () => Promise<T>) => Promise<T | undefined> } {
  const [error, setError] = useState<string | null>(null);
  const run = async <T,>(work: () => Promise<T>) => {
    setError(null);
    try {
      return await work();
    } catch (err) {
      setError(errorText(err));
      return undefined;
    }
  };
  return { error, run };
}

export function useForm<F extends Record<string, string>>(initial: F, send: (form: F) => Promise<unknown>) {
  const [form, setForm] = useState(initial);
  const { error, run } = useAction();
  const set = (key: keyof F) => (value: string) => setForm({ ...form, [key]: value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return run(() => send(form));
  };
  return { form, setForm, set, submit, error };
}
