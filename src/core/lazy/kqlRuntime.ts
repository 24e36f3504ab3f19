/** Entry of `dist/kql.js` (see ../lazy.ts): the KQL evaluator (re2js), loaded on the first `/azmon/query`. */
export { QueryError, runQuery } from '../query';
