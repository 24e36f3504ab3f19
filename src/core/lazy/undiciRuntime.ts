/** Entry of `dist/undici.js` (see ../lazy.ts): the HTTP client for Azure, loaded on the first request there. */
export { Agent, ProxyAgent, request } from 'undici';
