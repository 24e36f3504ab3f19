import * as assert from 'assert';
import fc from 'fast-check';
import { parseDuration, parseTimestamp } from '../../../src/core/store';

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
        const expected =
          Date.UTC(year, month - 1, day, hour, minute, second) + (fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000);
        assert.strictEqual(parseTimestamp(`${body}Z`), expected);
        // OpenCensus metrics: no zone at all, meaning UTC (also on the fast path).
        assert.strictEqual(parseTimestamp(body), expected);
        // These spellings all take the general (regex) path: both paths must agree.
        assert.strictEqual(parseTimestamp(`${body}+00:00`), expected);
        assert.strictEqual(parseTimestamp(`${body.replace('T', 't')}z`), expected);
        assert.strictEqual(parseTimestamp(` ${body}Z `), expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what the general path refuses, canonical-looking or not', () => {
    for (const bad of [
      '2026-11-24T17:38:38.Z',
      '2026-11-24T17:38:38.1a2Z',
      '2026-00-24T17:38:38Z',
      '2026-11-32T17:38:38Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T17:60:38Z',
      '2026-11-24T17:38:61Z',
      '2026-11-24X17:38:38Z',
      '2026/11/24T17:38:38Z',
      '2026-11-24T17-38-38Z',
      '２026-11-24T17:38:38Z',
    ]) {
      assert.strictEqual(parseTimestamp(bad), undefined, bad);
    }
  });
});

describe('store: durations read without the regex equal the regex reading', () => {
  /** The reading before the fast path, kept here as the reference. */
  const DURATION = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;
  const reference = (text: string): number | undefined => {
    const match = DURATION.exec(text.trim());
    if (!match) return undefined;
    const [, days = '0', hours, minutes, seconds, fraction = ''] = match;
    const whole = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
    return Math.round((whole + (fraction ? Number(`0.${fraction}`) : 0)) * 1e9) / 1e6;
  };

  it('[D.]HH:MM:SS[.f] and near misses (odd widths, extra separators, spaces) read the same either way', () => {
    const duration = fc
      .tuple(
        fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }),
        fc.stringMatching(/^[0-9]{1,3}$/),
        fc.stringMatching(/^[0-9]{1,3}$/),
        fc.stringMatching(/^[0-9]{1,3}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,10}$/), { nil: undefined }),
      )
      .map(
        ([days, hours, minutes, seconds, fraction]) =>
          `${days === undefined ? '' : `${days}.`}${hours}:${minutes}:${seconds}${fraction === undefined ? '' : `.${fraction}`}`,
      );
    const noise = fc.stringMatching(/^[0-9.: x]{0,14}$/);
    fc.assert(
      fc.property(
        fc.oneof(
          duration,
          noise,
          duration.map((text) => ` ${text} `),
        ),
        (text) => {
          assert.strictEqual(parseDuration(text), reference(text), JSON.stringify(text));
        },
      ),
      { numRuns: 5000 },
    );
    assert.strictEqual(parseDuration('0.00:00:00.0007025'), 0.0007025 * 1000);
    assert.strictEqual(parseDuration('1.02:03:04.5'), ((26 * 60 + 3) * 60 + 4.5) * 1000);
  });
});
