import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv, CsvSyntaxError, unguardField } from '../../server/customers/csv';
import { checkBusinessRegNo, withCheckDigit } from '../../server/customers/brn';

const fields = (s: string) => parseCsv(s).map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits plain records on CRLF and LF alike', () => {
    expect(fields('a,b,c\r\n1,2,3\n4,5,6')).toEqual([['a', 'b', 'c'], ['1', '2', '3'], ['4', '5', '6']]);
  });
  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(fields('name,note\r\n"Kim, Minsu","he said ""hi"""\r\n"two\r\nlines",x\r\n')).toEqual([
      ['name', 'note'], ['Kim, Minsu', 'he said "hi"'], ['two\r\nlines', 'x'],
    ]);
  });
  it('strips a UTF-8 BOM and keeps Korean text', () => {
    expect(fields('\uFEFF이름,유형\n시큐어넷,corporate\n')).toEqual([['이름', '유형'], ['시큐어넷', 'corporate']]);
  });
  it('reports the line each record starts on, counting line breaks inside quotes', () => {
    const recs = parseCsv('h1,h2\n"a\nb\nc",1\n\nlast,2\n');
    expect(recs.map((r) => r.line)).toEqual([1, 2, 6]);
  });
  it('keeps empty fields, a quoted empty field and trailing empty fields', () => {
    expect(fields('a,,c\n"",x\nx,\n')).toEqual([['a', '', 'c'], ['', 'x'], ['x', '']]);
  });
  it('accepts a lone CR as a line end and a file without a final newline', () => {
    expect(fields('a,b\r1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });
  it('refuses an unclosed quote, naming the line where it opened', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrowError(CsvSyntaxError);
    try { parseCsv('a,b\n1,"open\n2,3\n'); } catch (e) { expect((e as CsvSyntaxError).line).toBe(2); }
  });
  it('refuses a quote in the middle of an unquoted field and text after a closing quote', () => {
    expect(() => parseCsv('a,b"c\n')).toThrow(/line 1/);
    expect(() => parseCsv('x\n"a"b,c\n')).toThrow(/line 2: text after a closing quote/);
  });
  it('round-trips what toCsv writes, including formula-looking cells', () => {
    const rows = [['id', 'name', 'note'], ['c1', 'Kim, "MS"', 'multi\nline'], ['c2', '=HYPERLINK("x")', ' padded '], ['c3', '+82 10 1234 5678', '']];
    const text = toCsv(rows);
    expect(text).toContain("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(text).toContain('+82 10 1234 5678');
    expect(fields(text).map((r) => r.map(unguardField))).toEqual(rows);
  });
});

describe('사업자등록번호 checksum', () => {
  it('accepts valid numbers with or without dashes and formats them', () => {
    const v = withCheckDigit('220810477');
    expect(checkBusinessRegNo(v)).toEqual({ ok: true, formatted: v });
    expect(checkBusinessRegNo(v.replace(/-/g, ''))).toEqual({ ok: true, formatted: v });
    expect(checkBusinessRegNo('124-81-00998')).toEqual({ ok: true, formatted: '124-81-00998' }); // a well-known valid number
  });
  it('rejects a wrong check digit and a wrong length', () => {
    expect(checkBusinessRegNo('124-81-00999').ok).toBe(false);
    expect(checkBusinessRegNo('12-34-5678').ok).toBe(false);
    expect(checkBusinessRegNo('abc-de-fghij').ok).toBe(false);
  });
});
