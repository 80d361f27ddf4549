/**
 * RFC 4180 CSV, written here rather than added as a dependency: the whole job is ~100 lines and
 * the import needs one thing generic parsers rarely give, the physical line on which each record
 * starts (a quoted field may span lines), so row errors can say "line 7".
 *
 * Accepted: a UTF-8 BOM, CRLF / LF / CR line ends, quoted fields with "" for a quote and with
 * commas or line breaks inside, blank lines (skipped). Refused with the line number: a quote
 * inside an unquoted field, text after a closing quote, a quote left open at the end.
 */

export interface CsvRecord {
  /** 1-based line of the file on which the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const DELIMITER = /[",\r\n]/g;

export function parseCsv(input: string): CsvRecord[] {
  return [...csvRecords(input)];
}

/**
 * The records one at a time, so a large file can be read in slices that give the event loop back
 * in between (the import job does); a syntax error is thrown when the reader reaches it.
 */
export function* csvRecords(input: string): Generator<CsvRecord> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let fields: string[] = [];
  let field = '';
  /** The current field was quoted: `""` is an empty field, not a blank line. */
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const endField = () => { fields.push(field); field = ''; quoted = false; };
  const endRecord = (): CsvRecord | null => {
    const blank = fields.length === 0 && field === '' && !quoted;
    endField();
    const r = blank ? null : { line: recordLine, fields };
    fields = [];
    return r;
  };
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      if (field !== '' || quoted) throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
      quoted = true;
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(startLine, 'a quoted field is not closed');
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (c === '\r' || c === '\n') {
          // Keep the line break as written, but count CRLF as one line.
          if (c === '\r' && text[i + 1] === '\n') { field += '\r\n'; i += 2; } else { field += c; i++; }
          line++;
          continue;
        }
        field += c;
        i++;
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        throw new CsvSyntaxError(line, 'text after a closing quote (a field must end at its closing quote)');
      }
      continue;
    }
    if (ch === ',') { endField(); i++; continue; }
    if (ch === '\r' || ch === '\n') {
      const r = endRecord();
      if (r) yield r;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (quoted) throw new CsvSyntaxError(line, 'text after a closing quote (a field must end at its closing quote)');
    // The unquoted rest of the field in one slice: adding it a character at a time was most of the
    // time a 100,000-row import spent parsing. A quote found inside is refused on the next turn.
    DELIMITER.lastIndex = i;
    const end = DELIMITER.exec(text)?.index ?? n;
    field += text.slice(i, end);
    i = end;
  }
  if (field !== '' || quoted || fields.length) {
    const r = endRecord();
    if (r) yield r;
  }
}

/** Quotes a field when it needs it (comma, quote, line break, or edge spaces). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // Spreadsheet formula injection: a cell starting with = or @ would run as a formula in Excel.
  // (+ and - are left alone: phone numbers and negative amounts start with them.)
  if (/^[=@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Undoes csvField's formula guard when a file we exported is imported again. */
export function unguardField(s: string): string {
  return /^'[=@\t\r]/.test(s) ? s.slice(1) : s;
}

/** Rows to CSV text with CRLF line ends (RFC 4180). */
export function toCsv(rows: Array<Array<string | number | boolean | null | undefined>>): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
