/**
 * What a rule reports, independent of LSP: a finding with a range in offsets, and its fixes as
 * offset edits or commands. The LSP layer converts these to Diagnostics and CodeActions.
 */
import type { DiagnosticCode, DiagnosticRule } from '../../shared/serverProtocol';

export type FindingSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface OffsetEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

export type Fix =
  | { readonly kind: 'edit'; readonly title: string; readonly edits: readonly OffsetEdit[]; readonly preferred?: boolean }
  /** A command for the client to run; `edits`, when given, are applied first (one action does both). */
  | {
      readonly kind: 'command';
      readonly title: string;
      readonly command: string;
      readonly arguments: readonly unknown[];
      readonly edits?: readonly OffsetEdit[];
    }
  /** Computed only when asked for (code action time): the whole file migrated to OpenTelemetry. */
  | { readonly kind: 'show-migration'; readonly title: string };

export interface Finding {
  readonly rule: DiagnosticRule;
  readonly code: DiagnosticCode;
  readonly severity: FindingSeverity;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly fixes: readonly Fix[];
  readonly deprecated?: boolean;
}
