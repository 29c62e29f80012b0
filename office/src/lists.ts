/** A form's comma-separated list ("a, b,,c") as the API takes it (["a", "b", "c"]). */
export const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
