/** Entry of `dist/otlp.js` (see ../lazy.ts): protobufjs and the OTLP schema, loaded on the first OTLP request. */
export { decodeOtlp, encodeExportResponse, encodeStatus } from '../otlp/decodeOtlp';
