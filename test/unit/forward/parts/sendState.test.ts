/**
 * The forwarder's retry, error and redirect state alone: a moved clock, no I/O. Includes issue 13
 * item 7: an error is current only until a send succeeds or the mode changes; it stays as history.
 */
import * as assert from 'assert';
import { parseConnectionStringOrThrow } from '../../../../src/core/connectionString';
import { MAX_LAST_ERROR_CHARS, SendState } from '../../../../src/core/forward/sendState';
import { isFailingState } from '../../../../src/shared/forwarding';

const KEY = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
const CS = parseConnectionStringOrThrow(
  `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
);
const ON = { connected: true, paused: false };

function newState(): { state: SendState; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const state = new SendState({
    backoff: { baseMs: 2000, maxMs: 300_000 },
    now: () => clock.now,
    random: () => 0.5,
    redact: (text) => text.replaceAll(KEY, '<key>'),
  });
  state.connected(undefined, CS);
  return { state, clock };
}

describe('forward parts: send state (retry, error, redirect)', () => {
  it('backs off after each failure and is due again after the delay; a success ends retrying', () => {
    const { state, clock } = newState();
    assert.strictEqual(state.state(ON), 'forwarding');
    const first = state.failed('ECONNREFUSED', undefined);
    assert.strictEqual(first, 1500, 'equal jitter: half of 2 s fixed, half random (0.5)');
    assert.strictEqual(state.state(ON), 'retrying');
    assert.strictEqual(state.nextAttemptDue(), clock.now + 1500);
    const second = state.failed('ECONNREFUSED', undefined);
    assert.strictEqual(second, 3000, 'doubled');
    assert.strictEqual(state.consecutiveFailures, 2);
    clock.now += 3000;
    assert.strictEqual(state.nextAttemptDue(), undefined, 'due now');
    state.succeeded();
    assert.strictEqual(state.state(ON), 'forwarding');
    assert.strictEqual(state.consecutiveFailures, 0);
    assert.strictEqual(state.failures, 2, 'the failure count since open keeps growing (a split request watches it)');
    assert.strictEqual(state.lastSentAt, clock.now);
  });

  it('a Retry-After wait is kept by a flush; a backoff is cut short', () => {
    const { state, clock } = newState();
    state.failed('429', 10_000);
    assert.ok(state.retryAfterActive);
    state.allowImmediateAttempt();
    assert.strictEqual(state.nextAttemptAt, clock.now + 10_000, 'the service asked for the pause');
    state.attemptStarting();
    state.failed('503', undefined);
    state.allowImmediateAttempt();
    assert.strictEqual(state.nextAttemptAt, 0);
    assert.strictEqual(state.retryAfterSecondsWhenFull(), 5, 'a full queue asks for at least 5 s');
  });

  it('a stale error is no longer current after a success, but stays as the last error with its time', () => {
    const { state, clock } = newState();
    state.failed(`ECONNREFUSED for ${KEY}`, undefined);
    const at = clock.now;
    assert.ok(isFailingState(state.state(ON)));
    clock.now += 5000;
    state.succeeded();
    assert.strictEqual(isFailingState(state.state(ON)), false);
    assert.strictEqual(state.lastError, 'ECONNREFUSED for <key>', 'redacted and kept');
    assert.strictEqual(state.lastErrorAt, at);
  });

  for (const [change, apply] of [
    ['paused', (state: SendState) => state.modeChanged()],
    ['the connection string cleared', (state: SendState) => state.disconnected()],
    ['the connection string set again', (state: SendState) => state.connected(CS, CS)],
  ] as const) {
    it(`an error state ends when ${change}`, () => {
      const { state } = newState();
      state.dropped('Dropped 3 items: the service rejected the data (400)');
      assert.strictEqual(state.state(ON), 'error');
      apply(state);
      assert.strictEqual(state.state(ON), 'forwarding');
      assert.match(state.lastError ?? '', /400/, 'kept for the tooltip');
    });
  }

  it('a partial drop noted on success is an error; a refused redirect or token is an error that also retries', () => {
    const { state } = newState();
    state.succeeded('206: 1 item refused');
    assert.strictEqual(state.state(ON), 'error');
    state.failed('a bearer token is never sent over plain http (x)', undefined, true);
    assert.strictEqual(state.state(ON), 'error');
    assert.strictEqual(state.consecutiveFailures, 1);
    assert.strictEqual(state.state({ connected: true, paused: true }), 'paused');
    assert.strictEqual(state.state({ connected: false, paused: false }), 'local-only');
  });

  it('redacts before cutting a long error', () => {
    const { state } = newState();
    state.failed(`${'x'.repeat(MAX_LAST_ERROR_CHARS - 10)}${KEY}`, undefined);
    assert.ok(!(state.lastError ?? '').includes(KEY.slice(0, 8)), state.lastError);
    assert.ok((state.lastError ?? '').length <= MAX_LAST_ERROR_CHARS + 1);
  });

  it('follows redirects inside Azure Monitor, refuses others, and gives up after 10 in a row', () => {
    const { state } = newState();
    const url = 'https://westeurope-5.in.applicationinsights.azure.com/v2.1/track';
    const step = state.redirect('https://westeurope-1.in.applicationinsights.azure.com/v2.1/track', url, CS);
    assert.deepStrictEqual(step, { follow: true, endpoint: 'https://westeurope-1.in.applicationinsights.azure.com/', changed: true });
    assert.strictEqual(state.endpoint, 'https://westeurope-1.in.applicationinsights.azure.com/');
    const refused = state.redirect('https://collector.example.com/', url, CS);
    assert.strictEqual(refused.follow, false);
    for (let i = 0; i < 9; i++)
      assert.strictEqual(state.redirect('https://westeurope-1.in.applicationinsights.azure.com/', url, CS).follow, true);
    const eleventh = state.redirect('https://westeurope-1.in.applicationinsights.azure.com/', url, CS);
    assert.deepStrictEqual(eleventh, { follow: false, reason: 'more than 10 consecutive redirects' });
    assert.strictEqual(state.endpoint, CS.ingestionEndpoint, "back to the connection string's endpoint");
  });

  it('a new endpoint or key forgets the redirect; the same one keeps it', () => {
    const { state } = newState();
    state.redirect(
      'https://westeurope-1.in.applicationinsights.azure.com/',
      'https://westeurope-5.in.applicationinsights.azure.com/v2.1/track',
      CS,
    );
    state.connected(CS, CS);
    assert.strictEqual(state.endpoint, 'https://westeurope-1.in.applicationinsights.azure.com/');
    const other = parseConnectionStringOrThrow(
      `InstrumentationKey=${KEY};IngestionEndpoint=https://eastus.in.applicationinsights.azure.com/`,
    );
    state.connected(CS, other);
    assert.strictEqual(state.endpoint, other.ingestionEndpoint);
    state.disconnected();
    assert.strictEqual(state.endpoint, undefined);
  });
});
