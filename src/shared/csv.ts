/*
 * CSV as spreadsheets write it (RFC 4180): commas, "quoted" cells that may hold commas, line breaks and
 * doubled quotes, CRLF or LF line ends, an optional byte-order mark. Small enough to keep here rather
 * than pull a parser into both the renderer and main for one header-plus-rows format.
 */

export interface CsvRow {
  /** The spreadsheet's row number of this record: the first line of the text is row 1. */
  line: number;
  cells: string[];
}

export type CsvResult = { ok: true; rows: CsvRow[] } | { ok: false; line: number };

/** Every record of the text; `ok: false` names the row where a quoted cell is never closed. */
export function parseCsv(text: string): CsvResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  const endRow = (): void => {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (quoted) return { ok: false, line: quoteLine };
  if (cell !== '' || cells.length > 0) endRow();
  return { ok: true, rows };
}
