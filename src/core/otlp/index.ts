/** OTLP/HTTP intake: decoding (protobuf and JSON) and conversion to Breeze envelopes. */
export { decodeOtlp, encodeExportResponse, encodeStatus, REJECTED_FIELD } from './decodeOtlp';
export type { DecodeResult, OtlpFormat } from './decodeOtlp';
export { convertOtlp } from './convertOtlp';
export type { ConvertOptions, OtlpConversion } from './convertOtlp';
export { severityLevelOf } from './logEnvelopes';
export { nanosToDuration, nanosToIso } from './otlpTime';
export type { OtlpSignal, OtlpRequests } from './otlpModel';
