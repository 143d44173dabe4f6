/** The byte-level CSV tokenizer: RFC 4180 edge cases, a round trip against a reference serializer, chunk invariance. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvTokenizer, type CsvErrorKind } from '../../../../src/transit/gtfs/csv.ts';

type Parsed = { rows: { line: number; fields: string[] }[]; errors: { kind: CsvErrorKind; line: number }[] };

function tokenize(bytes: Buffer, cuts: number[] = []): Parsed {
  const out: Parsed = { rows: [], errors: [] };
  const tok = new CsvTokenizer({
    row: (r) => {
      const fields: string[] = [];
      for (let i = 0; i < r.count; i++) fields.push(r.text(i));
      out.rows.push({ line: r.line, fields });
    },
    error: (kind, line) => out.errors.push({ kind, line }),
  });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    tok.push(bytes.subarray(prev, p));
    prev = p;
  }
  tok.end();
  return out;
}

/** Reference serializer, written independently of the tokenizer: RFC 4180 quoting. */
function serialize(record: string[]): string {
  if (record.length === 1 && record[0] === '') return '""'; // a lone empty field would be a blank line
  return record.map((f) => (f.includes('"') || f.includes(',') || f.includes('\n') || f.includes('\r') ? `"${f.split('"').join('""')}"` : f)).join(',');
}

describe('CSV tokenizer', () => {
  it('handles quotes, escaped quotes, CRLF, BOM, newlines in quotes and trailing blank lines', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nlast,,\n\n\n';
    const { rows, errors } = tokenize(Buffer.from(text));
    assert.deepEqual(errors, []);
    assert.deepEqual(rows, [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 5, fields: ['last', '', ''] },
    ]);
  });

  it('reads a last line without a line end, and a lone CR as a line end', () => {
    assert.deepEqual(tokenize(Buffer.from('a,b\n1,2')).rows.at(-1), { line: 2, fields: ['1', '2'] });
    assert.deepEqual(tokenize(Buffer.from('a,b\r1,2\r')).rows, [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('reports an unterminated quote and text after a closing quote with their lines, and goes on', () => {
    const r1 = tokenize(Buffer.from('a,b\n"x"y,2\n3,4\n'));
    assert.deepEqual(r1.errors, [{ kind: 'csv_parsing_failed', line: 2 }]);
    assert.deepEqual(r1.rows.at(-1), { line: 3, fields: ['3', '4'] });
    const r2 = tokenize(Buffer.from('a,b\n1,2\n"open,3\n'));
    assert.deepEqual(r2.errors, [{ kind: 'csv_parsing_failed', line: 3 }]);
  });

  it('names the line of invalid UTF-8, also when the chunk boundary splits a character', () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,北京\n2,'), Buffer.from([0xe5, 0x8c]), Buffer.from('\n3,石家庄\n')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = tokenize(bytes, [cut]);
      assert.deepEqual(r.errors, [{ kind: 'invalid_utf8', line: 3 }], `cut at ${cut}`);
      assert.deepEqual(r.rows[1]?.fields, ['1', '北京']);
      assert.deepEqual(r.rows[3]?.fields, ['3', '石家庄']);
    }
  });

  it('skips an over-long record instead of buffering forever', () => {
    const chunks: Parsed['errors'] = [];
    const rows: string[] = [];
    const tok = new CsvTokenizer(
      { row: (r) => rows.push(r.text(0)), error: (kind, line) => chunks.push({ kind, line }) },
      { maxRecordBytes: 64 },
    );
    tok.push(Buffer.from('a\n"never closed '));
    for (let i = 0; i < 10; i++) tok.push(Buffer.from('x'.repeat(50)));
    tok.push(Buffer.from('\nb\n'));
    tok.end();
    assert.equal(chunks[0]?.kind, 'csv_parsing_failed');
    assert.equal(chunks[0]?.line, 2);
    assert.ok(rows.includes('b'));
  });

  it('round-trips arbitrary fields through the reference serializer, in any chunking', () => {
    const unit = fc.constantFrom('a', 'B', '7', ' ', '"', ',', '\n', '\r', '\t', 'é', '中', '😀', ';', ':');
    const field = fc.string({ unit, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (records, bom, eol, finalEol, blankLines, cuts) => {
          let text = records.map(serialize).join(eol);
          if (records.length > 0 && (finalEol || blankLines > 0)) text += eol;
          text += eol.repeat(blankLines);
          const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
          const parsed = tokenize(bytes, cuts);
          assert.deepEqual(parsed.errors, []);
          assert.deepEqual(
            parsed.rows.map((r) => r.fields),
            records,
          );
          // Each record starts on the physical line after all line feeds before it.
          let offset = 0;
          records.forEach((rec, i) => {
            const before = text.slice(0, offset);
            assert.equal(parsed.rows[i]!.line, 1 + before.split('\n').length - 1);
            offset += serialize(rec).length + eol.length;
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the same rows and errors for arbitrary bytes whatever the chunking, and never throws', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', '\uFEFF', 'é', '\u0000'), maxLength: 200 }).map((s) => new Uint8Array(Buffer.from(s))),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 10 }), (b, cuts) => {
        const buf = Buffer.from(b);
        assert.deepEqual(tokenize(buf, cuts), tokenize(buf));
      }),
      { numRuns: 500 },
    );
  });
});
