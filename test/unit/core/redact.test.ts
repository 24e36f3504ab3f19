import * as assert from 'assert';
import { redactConnectionString, redactInstrumentationKey, Redactor } from '../../../src/core/redact';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
const CONNECTION_STRING = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;

describe('redaction', () => {
  it('shows an instrumentation key as its first and last four characters', () => {
    assert.strictEqual(redactInstrumentationKey(KEY), '3c6a…0a99');
    assert.strictEqual(redactInstrumentationKey('short'), '…');
  });

  it('redacts the key of a connection string and keeps the endpoints readable', () => {
    assert.strictEqual(
      redactConnectionString(CONNECTION_STRING),
      'InstrumentationKey=3c6a…0a99;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
    );
  });

  it('catches key assignments in any case and in JSON (iKey)', () => {
    const text = `instrumentation_key="${KEY}" and {"iKey": "${KEY.toUpperCase()}"}`;
    const redacted = redactConnectionString(text);
    assert.ok(!redacted.toLowerCase().includes(KEY), redacted);
    assert.match(redacted, /instrumentation_key="3c6a…0a99"/);
  });

  it('Redactor removes registered secrets wherever they appear, even bare', () => {
    const redactor = new Redactor();
    redactor.add(CONNECTION_STRING);
    redactor.add(KEY);
    const line = `posting with ${CONNECTION_STRING} then key ${KEY} alone`;
    const redacted = redactor.redact(line);
    assert.ok(!redacted.includes(KEY), redacted);
    assert.match(redacted, /key 3c6a…0a99 alone/);
    assert.match(redacted, /westeurope-5/);
  });

  it('Redactor matches a registered key whatever its case', () => {
    const redactor = new Redactor();
    redactor.add(KEY);
    assert.ok(!redactor.redact(`bare ${KEY.toUpperCase()}`).toLowerCase().includes(KEY));
  });

  it('Redactor ignores very short values and forgets removed ones', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    assert.strictEqual(redactor.redact('abc'), 'abc');
    redactor.add('a-secret-value');
    assert.strictEqual(redactor.redact('x a-secret-value.'), 'x «redacted».');
    redactor.remove('a-secret-value');
    assert.strictEqual(redactor.redact('x a-secret-value'), 'x a-secret-value');
  });
});
