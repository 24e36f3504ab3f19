import * as assert from 'assert';
import { OutputTail, pipFailureReason, redactUrlCredentials } from '../../../src/core/python/pipOutcome';
import { Redactor } from '../../../src/core/redact';

const OFFLINE = `Collecting opencensus-ext-azure
WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(...)': /simple/opencensus-ext-azure/
ERROR: Could not find a version that satisfies the requirement opencensus-ext-azure (from versions: none)
ERROR: No matching distribution found for opencensus-ext-azure
`;

describe('pip outcome', () => {
  it("gives pip's last ERROR line as the reason", () => {
    assert.strictEqual(pipFailureReason(OFFLINE), 'No matching distribution found for opencensus-ext-azure');
  });

  it("falls back to a traceback's exception line, then to the last line", () => {
    assert.strictEqual(
      pipFailureReason('Traceback (most recent call last):\n  File "x"\nModuleNotFoundError: No module named pip\n'),
      'ModuleNotFoundError: No module named pip',
    );
    assert.strictEqual(pipFailureReason('something odd\n\n'), 'something odd');
    assert.strictEqual(pipFailureReason('\n \n'), undefined);
  });

  it('redacts index credentials and registered secrets before cutting the line', () => {
    const key = '0123abcd-0000-4000-8000-00000000beef';
    const redactor = new Redactor();
    redactor.add(key);
    const reason = pipFailureReason(
      `ERROR: HTTP error 401 while getting https://build:s3cr3t-token@pkgs.example/simple/x/ (${key})${'!'.repeat(400)}`,
      (text) => redactor.redact(text),
    );
    assert.ok(reason);
    assert.ok(!reason.includes('s3cr3t-token') && !reason.includes(key), reason);
    assert.match(reason, /https:\/\/«redacted»@pkgs\.example/);
    assert.ok(reason.length <= 301, `cut to the notification's length (${reason.length})`);
    assert.strictEqual(redactUrlCredentials('see https://pkgs.example/simple'), 'see https://pkgs.example/simple');
  });

  it('keeps only the last bytes of a long output, whole lines first', () => {
    const tail = new OutputTail(1024);
    for (let i = 0; i < 10_000; i++) tail.append(`line ${i} ünïcödé\n`);
    tail.append('ERROR: No matching distribution found for x\n');
    const text = tail.toString();
    assert.ok(Buffer.byteLength(text, 'utf8') <= 1024, `bounded (${Buffer.byteLength(text, 'utf8')} bytes)`);
    assert.match(text, /^line \d+ /, 'starts at a line start');
    assert.strictEqual(pipFailureReason(text), 'No matching distribution found for x');
  });
});
