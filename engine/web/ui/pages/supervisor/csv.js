// CSV for downloads: quoted where needed, and a cell that a spreadsheet would run as a formula
// (`=…`, `@…`, or `+`/`-` followed by something other than a number) gets a leading quote.

function cell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=@\t\r]/.test(text) || /^[+-](?![\d\s().]*$)/.test(text)) text = `'${text}`;
  return /[",;\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (arrays) as CSV text with a header row. */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
