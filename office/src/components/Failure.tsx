/** What the API refused or what failed, read out to screen readers when it appears. */
export function Failure({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}
