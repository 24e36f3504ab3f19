/**
 * Why a request was refused: the status it gets, the reason counted in the stats, and a message
 * that names what is wrong (it goes to the app in the Breeze error body and to the log).
 * Plain Node: never import `vscode` here.
 */

export type RejectReason =
  | 'origin'
  | 'host'
  | 'not-found'
  | 'method'
  | 'encoding'
  | 'content-type'
  | 'too-large'
  | 'timeout'
  | 'aborted'
  | 'malformed'
  | 'invalid'
  | 'too-many-items'
  | 'too-deep'
  | 'key'
  | 'queue-full'
  | 'busy'
  | 'sink-error'
  | 'internal'
  | 'closing';

export interface Rejection {
  readonly status: number;
  readonly reason: RejectReason;
  readonly message: string;
}

export function rejection(status: number, reason: RejectReason, message: string): Rejection {
  return { status, reason, message };
}
