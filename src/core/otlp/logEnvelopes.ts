/**
 * One OTLP log record → MessageData (the `traces` table), ExceptionData when it carries
 * `exception.*` attributes, or EventData when it carries `microsoft.custom_event.name`. Severity
 * number → severityLevel 0–4 as the Python exporter computes it. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { anyValueToPlain, attributesToRecord, serializeAttribute, stringAttribute } from './attributes';
import { isRealId, makeEnvelope } from './envelopeBase';
import type { LogRecord } from './otlpModel';
import { nanosOf, nanosToIso } from './otlpTime';
import { MAX, measurementsFrom, propertiesFrom, truncate } from './semanticAttributes';
import { exceptionDetails } from './spanEnvelopes';

/** OTLP SeverityNumber (1–24) → Breeze severityLevel: <9 → 0 (Verbose), else (n-1)/4 - 1 (INFO 1 … FATAL 4). */
export function severityLevelOf(severityNumber: number | undefined): number | undefined {
  if (!severityNumber || severityNumber < 1) {
    return undefined;
  }
  if (severityNumber < 9) {
    return 0;
  }
  return Math.min(4, Math.floor((severityNumber - 1) / 4) - 1);
}

export function logToEnvelope(record: LogRecord, resourceTags: Record<string, string>, iKey: string): Envelope {
  const attributes = attributesToRecord(record.attributes);
  const tags: Record<string, string> = { ...resourceTags };
  if (isRealId(record.traceId)) tags['ai.operation.id'] = record.traceId;
  if (isRealId(record.spanId)) tags['ai.operation.parentId'] = record.spanId;
  const operationName = stringAttribute(attributes, 'ai.operation.name');
  if (operationName) tags['ai.operation.name'] = operationName;
  if (attributes['user_agent.synthetic.type']) tags['ai.operation.syntheticSource'] = 'True';
  const clientIp = stringAttribute(attributes, 'microsoft.client.ip');
  if (clientIp) tags['ai.location.ip'] = clientIp;
  const authUser = stringAttribute(attributes, 'enduser.id');
  if (authUser) tags['ai.user.authUserId'] = authUser;
  const user = stringAttribute(attributes, 'enduser.pseudo.id');
  if (user) tags['ai.user.id'] = user;
  const session = attributes['session.id'];
  if (typeof session === 'string') tags['ai.session.id'] = session;

  // Records without a timestamp use the time the SDK observed them (the spec's advice).
  const nanos = nanosOf(record.timeUnixNano) || nanosOf(record.observedTimeUnixNano);
  const time = nanosToIso(nanos);
  const properties = propertiesFrom(attributes);
  const measurements = measurementsFrom(attributes);
  const severityLevel = severityLevelOf(record.severityNumber);
  const severity = severityLevel === undefined ? {} : { severityLevel };
  const eventName = stringAttribute(attributes, 'microsoft.custom_event.name');
  const isException = ['exception.type', 'exception.message', 'exception.stacktrace'].some((key) => attributes[key] !== undefined);
  if (isException) {
    return makeEnvelope('Exception', time, iKey, tags, 'ExceptionData', {
      exceptions: [exceptionDetails(attributes)],
      ...severity,
      properties,
      measurements,
    });
  }
  if (eventName) {
    return makeEnvelope('Event', time, iKey, tags, 'EventData', { name: truncate(eventName, MAX.id), properties, measurements });
  }
  const body = anyValueToPlain(record.body);
  const message = body === undefined || body === '' ? 'n/a' : serializeAttribute(body);
  return makeEnvelope('Message', time, iKey, tags, 'MessageData', {
    message: truncate(message, MAX.message),
    ...severity,
    properties,
    measurements,
  });
}
