export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/** A plain-text table: two spaces between columns, no trailing spaces. */
export function renderTable(columns: Column[], rows: string[][]): string[] {
  const widths = columns.map((c, i) =>
    Math.max([...c.title].length, ...rows.map((r) => [...(r[i] ?? '')].length)),
  );
  const line = (cells: string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const pad = ' '.repeat(widths[i]! - [...cell].length);
        return c.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)];
}
