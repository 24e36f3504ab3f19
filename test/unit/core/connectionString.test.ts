import * as assert from 'assert';
import {
  ConnectionStringError,
  DEFAULT_INGESTION_ENDPOINT,
  DEFAULT_LIVE_ENDPOINT,
  DEFAULT_PROFILER_ENDPOINT,
  formatConnectionString,
  parseConnectionString,
  parseConnectionStringOrThrow,
  trackUrl,
} from '../../../src/core/connectionString';

const KEY = '00000000-0000-0000-0000-000000000000';
const REAL_KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';

function ok(text: string) {
  const result = parseConnectionString(text);
  if (!result.ok) assert.fail(`expected ${JSON.stringify(text)} to parse, got: ${result.error}`);
  return result;
}

function error(text: string): string {
  const result = parseConnectionString(text);
  assert.strictEqual(result.ok, false, `expected ${JSON.stringify(text)} to be rejected`);
  return (result as { error: string }).error;
}

describe('parseConnectionString', () => {
  describe('examples from the Microsoft docs (sdk-connection-string)', () => {
    it('minimal string with the trailing ";": default endpoints, and a warning for the Python SDKs', () => {
      const { value, warnings } = ok(`InstrumentationKey=${KEY};`);
      assert.strictEqual(value.instrumentationKey, KEY);
      assert.strictEqual(value.ingestionEndpoint, 'https://dc.services.visualstudio.com/');
      assert.strictEqual(value.liveEndpoint, 'https://rt.services.visualstudio.com/');
      assert.strictEqual(value.profilerEndpoint, 'https://agent.azureserviceprofiler.net/');
      assert.strictEqual(value.snapshotEndpoint, 'https://agent.azureserviceprofiler.net/');
      assert.deepStrictEqual(
        warnings.map((w) => w.code),
        ['trailing-semicolon'],
      );
      assert.match(warnings[0].message, /Python SDKs reject/);
    });

    it('EndpointSuffix derives every endpoint', () => {
      const { value } = ok(`InstrumentationKey=${KEY};EndpointSuffix=ai.contoso.com;`);
      assert.strictEqual(value.ingestionEndpoint, 'https://dc.ai.contoso.com/');
      assert.strictEqual(value.liveEndpoint, 'https://live.ai.contoso.com/');
      assert.strictEqual(value.profilerEndpoint, 'https://profiler.ai.contoso.com/');
      assert.strictEqual(value.snapshotEndpoint, 'https://snapshot.ai.contoso.com/');
      assert.strictEqual(value.endpointSuffix, 'ai.contoso.com');
    });

    it('EndpointSuffix with Location prefixes the location', () => {
      const { value } = ok(`InstrumentationKey=${KEY};EndpointSuffix=ai.contoso.com;Location=westus2;`);
      assert.strictEqual(value.ingestionEndpoint, 'https://westus2.dc.ai.contoso.com/');
      assert.strictEqual(value.liveEndpoint, 'https://westus2.live.ai.contoso.com/');
      assert.strictEqual(value.location, 'westus2');
    });

    it('explicit endpoint overrides win over the suffix and keep their ports', () => {
      const { value } = ok(
        `InstrumentationKey=${KEY};EndpointSuffix=ai.contoso.com;IngestionEndpoint=https://custom.com:111/;LiveEndpoint=https://custom.com:222/;ProfilerEndpoint=https://custom.com:333/;SnapshotEndpoint=https://custom.com:444/;`,
      );
      assert.strictEqual(value.ingestionEndpoint, 'https://custom.com:111/');
      assert.strictEqual(value.liveEndpoint, 'https://custom.com:222/');
      assert.strictEqual(value.profilerEndpoint, 'https://custom.com:333/');
      assert.strictEqual(value.snapshotEndpoint, 'https://custom.com:444/');
    });

    it('sovereign clouds: Azure China and Azure Government suffixes', () => {
      assert.strictEqual(
        ok(`InstrumentationKey=${KEY};EndpointSuffix=applicationinsights.azure.cn`).value.ingestionEndpoint,
        'https://dc.applicationinsights.azure.cn/',
      );
      assert.strictEqual(
        ok(`InstrumentationKey=${KEY};EndpointSuffix=applicationinsights.us`).value.liveEndpoint,
        'https://live.applicationinsights.us/',
      );
    });

    it('a regional string as the portal shows it today', () => {
      const { value, warnings } = ok(
        `InstrumentationKey=${REAL_KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=0f3c1b7e-4a1d-4a64-9d1e-3b2f6a5c8d70`,
      );
      assert.deepStrictEqual(warnings, []);
      assert.strictEqual(value.ingestionEndpoint, 'https://westeurope-5.in.applicationinsights.azure.com/');
      assert.strictEqual(value.liveEndpoint, 'https://westeurope.livediagnostics.monitor.azure.com/');
      assert.strictEqual(value.profilerEndpoint, DEFAULT_PROFILER_ENDPOINT);
      assert.strictEqual(value.applicationId, '0f3c1b7e-4a1d-4a64-9d1e-3b2f6a5c8d70');
    });
  });

  describe('tolerance', () => {
    it('keys are case-insensitive', () => {
      const { value } = ok(
        `instrumentationkey=${KEY};INGESTIONENDPOINT=https://x.in.applicationinsights.azure.com/;endpointsuffix=ai.contoso.com`,
      );
      assert.strictEqual(value.instrumentationKey, KEY);
      assert.strictEqual(value.ingestionEndpoint, 'https://x.in.applicationinsights.azure.com/');
      assert.strictEqual(value.liveEndpoint, 'https://live.ai.contoso.com/');
    });

    it('whitespace around the string, pairs, keys and values is ignored (pasted text)', () => {
      const { value } = ok(`  \n InstrumentationKey = ${KEY} ;  IngestionEndpoint= https://x.in.applicationinsights.azure.com/ \t\n`);
      assert.strictEqual(value.instrumentationKey, KEY);
      assert.strictEqual(value.ingestionEndpoint, 'https://x.in.applicationinsights.azure.com/');
    });

    it('surrounding quotes are removed with a warning', () => {
      const { value, warnings } = ok(`"InstrumentationKey=${KEY}"`);
      assert.strictEqual(value.instrumentationKey, KEY);
      assert.deepStrictEqual(
        warnings.map((w) => w.code),
        ['surrounding-quotes'],
      );
    });

    it('an endpoint without a trailing "/" gets one; the track URL never has "//"', () => {
      const { value } = ok(`InstrumentationKey=${KEY};IngestionEndpoint=https://x.in.applicationinsights.azure.com`);
      assert.strictEqual(value.ingestionEndpoint, 'https://x.in.applicationinsights.azure.com/');
      assert.strictEqual(trackUrl(value.ingestionEndpoint), 'https://x.in.applicationinsights.azure.com/v2.1/track');
      assert.strictEqual(trackUrl(DEFAULT_INGESTION_ENDPOINT), 'https://dc.services.visualstudio.com/v2.1/track');
    });

    it('an upper-case GUID is accepted in lower case, with the Python SDK warning', () => {
      const { value, warnings } = ok(`InstrumentationKey=${REAL_KEY.toUpperCase()}`);
      assert.strictEqual(value.instrumentationKey, REAL_KEY);
      assert.deepStrictEqual(
        warnings.map((w) => w.code),
        ['uppercase-guid'],
      );
    });

    it('Authorization=ikey is accepted in any case', () => {
      assert.ok(ok(`Authorization=IKey;InstrumentationKey=${KEY}`).value);
    });

    it('unknown keys are kept aside with a warning', () => {
      const { value, warnings } = ok(`InstrumentationKey=${KEY};Flavour=vanilla`);
      assert.deepStrictEqual(value.unknownKeys, ['Flavour']);
      assert.match(warnings[0].message, /Unknown key "Flavour"/);
    });

    it('an empty segment in the middle is a warning, not an error', () => {
      const { warnings } = ok(`InstrumentationKey=${KEY};;EndpointSuffix=ai.contoso.com`);
      assert.deepStrictEqual(
        warnings.map((w) => w.code),
        ['empty-segment'],
      );
    });
  });

  describe('AAD audience', () => {
    it('defaults to the public cloud and derives the token scope', () => {
      const { value } = ok(`InstrumentationKey=${KEY}`);
      assert.strictEqual(value.aadAudience, 'https://monitor.azure.com/');
      assert.strictEqual(value.aadScope, 'https://monitor.azure.com/.default');
    });

    it('AADAudience sets the scope for sovereign clouds', () => {
      const { value } = ok(`InstrumentationKey=${KEY};AADAudience=https://monitor.azure.us/`);
      assert.strictEqual(value.aadAudience, 'https://monitor.azure.us/');
      assert.strictEqual(value.aadScope, 'https://monitor.azure.us/.default');
    });

    it('a malformed AADAudience is rejected', () => {
      assert.match(error(`InstrumentationKey=${KEY};AADAudience=monitor`), /AADAudience "monitor" is not an absolute https URL/);
    });
  });

  describe('bad input names what is wrong', () => {
    const cases: [string, string, RegExp][] = [
      ['empty', '', /empty/],
      ['only spaces', '   ', /empty/],
      ['missing key', 'IngestionEndpoint=https://x.in.applicationinsights.azure.com/', /InstrumentationKey is missing/],
      ['not a pair', `InstrumentationKey=${KEY};garbage`, /Segment 2 \("garbage"\) is not a key=value pair/],
      ['no key', `=value;InstrumentationKey=${KEY}`, /Segment 1 has no key/],
      ['empty value', `InstrumentationKey=`, /InstrumentationKey has an empty value/],
      ['"=" inside a value', `InstrumentationKey=${KEY};IngestionEndpoint=https://x.com/?a=b`, /value of IngestionEndpoint contains '='/],
      ['duplicate key, other case', `InstrumentationKey=${KEY};instrumentationkey=${KEY}`, /instrumentationkey appears more than once/],
      ['not a GUID', 'InstrumentationKey=12345', /not a GUID/],
      ['GUID without dashes', `InstrumentationKey=${KEY.replace(/-/g, '')}`, /not a GUID/],
      ['Authorization=aad', `InstrumentationKey=${KEY};Authorization=aad`, /Authorization "aad" is not supported/],
      [
        'Location with a dot',
        `InstrumentationKey=${KEY};EndpointSuffix=ai.contoso.com;Location=west.us`,
        /Location "west.us" must contain only letters and digits/,
      ],
      ['bad suffix', `InstrumentationKey=${KEY};EndpointSuffix=http://x`, /EndpointSuffix "http:\/\/x" is not a DNS suffix/],
      [
        'relative endpoint',
        `InstrumentationKey=${KEY};IngestionEndpoint=/v2/track`,
        /IngestionEndpoint "\/v2\/track" is not an absolute http\(s\) URL/,
      ],
      ['ftp endpoint', `InstrumentationKey=${KEY};LiveEndpoint=ftp://x.com/`, /LiveEndpoint "ftp:\/\/x.com\/" is not an absolute/],
      ['credentials in endpoint', `InstrumentationKey=${KEY};IngestionEndpoint=https://user:pw@x.com/`, /not an absolute http\(s\) URL/],
      ['too long', `InstrumentationKey=${KEY};ApplicationId=${'a'.repeat(4096)}`, /maximum is 4096/],
    ];
    for (const [name, input, message] of cases) {
      it(name, () => assert.match(error(input), message));
    }

    it('never echoes the instrumentation key value in an error', () => {
      const almostKey = `${REAL_KEY}x`;
      const message = error(`InstrumentationKey=${almostKey}`);
      assert.ok(!message.includes(REAL_KEY.slice(0, 8)), message);
    });

    it('rejects non-string input without throwing', () => {
      assert.match(error(undefined as unknown as string), /must be text/);
    });

    it('parseConnectionStringOrThrow throws a ConnectionStringError with the message', () => {
      assert.throws(
        () => parseConnectionStringOrThrow('nope'),
        (e: unknown) => e instanceof ConnectionStringError && /not a key=value pair/.test(e.message),
      );
      assert.strictEqual(parseConnectionStringOrThrow(`InstrumentationKey=${KEY}`).liveEndpoint, DEFAULT_LIVE_ENDPOINT);
    });
  });

  describe('formatConnectionString', () => {
    it('builds a string the Python SDKs accept (no trailing ";") that parses back', () => {
      const text = formatConnectionString({
        instrumentationKey: REAL_KEY,
        ingestionEndpoint: 'http://127.0.0.1:1234/',
        liveEndpoint: 'http://127.0.0.1:1234/',
      });
      assert.strictEqual(
        text,
        `InstrumentationKey=${REAL_KEY};IngestionEndpoint=http://127.0.0.1:1234/;LiveEndpoint=http://127.0.0.1:1234/`,
      );
      const { value, warnings } = ok(text);
      assert.deepStrictEqual(warnings, []);
      assert.strictEqual(value.ingestionEndpoint, 'http://127.0.0.1:1234/');
    });
  });
});
