import * as assert from 'assert';
import fc from 'fast-check';
import { parseTimestamp } from '../../../src/core/store';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

const timestamp = fc.record({
  year: fc.integer({ min: 1000, max: 9999 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 60 }),
  fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
});

describe('store: canonical UTC timestamps (the fast path) read the same as any other ISO spelling', () => {
  it('YYYY-MM-DDTHH:MM:SS[.f]Z equals the same instant written with an offset, lower case or padding', () => {
    fc.assert(
      fc.property(timestamp, ({ year, month, day, hour, minute, second, fraction }) => {
        const body = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction === undefined ? '' : `.${fraction}`}`;
        const expected = Date.UTC(year, month - 1, day, hour, minute, second) + (fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000);
        assert.strictEqual(parseTimestamp(`${body}Z`), expected);
        // These spellings all take the general (regex) path: both paths must agree.
        assert.strictEqual(parseTimestamp(`${body}+00:00`), expected);
        assert.strictEqual(parseTimestamp(`${body.replace('T', 't')}z`), expected);
        assert.strictEqual(parseTimestamp(` ${body}Z `), expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what the general path refuses, canonical-looking or not', () => {
    for (const bad of ['2026-11-24T17:38:38.Z', '2026-11-24T17:38:38.1a2Z', '2026-00-24T17:38:38Z', '2026-11-32T17:38:38Z', '2026-11-24T24:00:00Z', '2026-11-24T17:60:38Z', '2026-11-24T17:38:61Z', '2026-11-24X17:38:38Z', '2026/11/24T17:38:38Z', '2026-11-24T17-38-38Z', '２026-11-24T17:38:38Z']) {
      assert.strictEqual(parseTimestamp(bad), undefined, bad);
    }
  });
});
