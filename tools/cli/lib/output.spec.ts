import { cell, renderTable } from './output';

describe('renderTable', () => {
  it('draws a plain table with a header and one line per row', () => {
    const lines = renderTable(
      ['id', 'flags', 'resource'],
      [
        ['acme', ['Face.Identification', 'Face.Verification'], null],
        ['beta', [], '/r'],
      ],
    ).split('\n');
    // Top border, header, rule, two rows (no rules between rows), bottom border.
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/│ id\s+│ flags\s+│ resource │/);
    expect(lines[3]).toMatch(/│ acme │ Face.Identification, Face.Verification │\s+│/);
    expect(lines[4]).toMatch(/│ beta │\s+│ \/r\s+│/);
    // No colour codes: the same in a terminal, a pipe and a test.
    expect(lines.join('\n')).not.toContain('\u001b[');
  });

  it('renders cells: empty for null, lists joined, objects as JSON', () => {
    expect([cell(null), cell(undefined), cell(['a', 'b']), cell({ kind: 'client' }), cell(3)]).toEqual(['', '', 'a, b', '{"kind":"client"}', '3']);
  });
});
