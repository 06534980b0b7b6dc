/** Lays out `rows` under `headers` in left-aligned columns two spaces apart. */
export function formatTable (headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

/** A peer's first address without the `/p2p/<peer id>` that a table shows in a column of its own. */
export function displayAddress (peer: { addrs: string[] }): string {
  return (peer.addrs[0] ?? '-').replace(/\/p2p\/[^/]+$/, '')
}
