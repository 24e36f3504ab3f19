/**
 * Writing answers. Every answer is JSON; errors use the Breeze `TrackResponse` shape so SDKs log
 * something meaningful. Plain Node: never import `vscode` here.
 */
import type { ServerResponse } from 'http';
import type { TrackError, TrackResponse } from '../envelope';
import type { Rejection } from './rejection';

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.writableEnded || response.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

export function trackResponse(itemsReceived: number, itemsAccepted: number, errors: TrackError[] = []): TrackResponse {
  return { itemsReceived, itemsAccepted, errors };
}

/** A request refused as a whole: one error entry carrying the message. */
export function sendRejection(response: ServerResponse, refused: Rejection, itemsReceived = 0, headers: Record<string, string> = {}): void {
  sendJson(
    response,
    refused.status,
    trackResponse(itemsReceived, 0, [{ index: 0, statusCode: refused.status, message: refused.message }]),
    headers,
  );
}
