/** Entry of `dist/certificate.js` (see ../lazy.ts): selfsigned, loaded only when a certificate must be made. */
export { generate } from 'selfsigned';
