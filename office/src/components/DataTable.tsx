import type { ReactNode } from 'react';

export interface Row {
  key: string;
  /** data-* attributes that name the row's object (tests and styles find it by them). */
  attributes?: Record<`data-${string}`, string>;
  cells: ReactNode[];
}

export function DataTable({ columns, rows, className }: { columns: string[]; rows: Row[]; className?: string }) {
  return (
    <table className={className}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} {...r.attributes}>
            {r.cells.map((cell, i) => (
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
