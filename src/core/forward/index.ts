/** The relay's forwarding side: the write-ahead disk queue and the sender to Azure Monitor. */
export { ForwardQueue } from './forwardQueue';
export { DEFAULT_MAX_DISK_BYTES, DEFAULT_RETENTION_MS } from './forwardOptions';
export type { ForwardQueueOptions } from './forwardOptions';
export type { ForwardStats, ForwardState, DropReason, Disposable } from './forwardStats';
export { judgeAnswer } from './answer';
export type { Verdict, JudgeOptions } from './answer';
export { backoffDelay, isRetryableItem, isRetryableStatus, parseRetryAfter, SAMPLED_OUT_MESSAGE } from './retryRules';
export { decideRedirect, MAX_CONSECUTIVE_REDIRECTS } from './redirectPolicy';
export { compactKey, diskLine, lineForService, rewriteName, withKey } from './keyRewrite';
export { QueueFullError } from '../sink';
