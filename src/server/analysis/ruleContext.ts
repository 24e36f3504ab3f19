/** What every rule receives, and the shape of a rule. */
import type { DiagnosticsSettings } from '../../shared/serverProtocol';
import type { Finding } from './findings';
import type { SyntaxIndex } from './syntax';

export interface RuleContext {
  readonly syntax: SyntaxIndex;
  readonly text: string;
  readonly settings: DiagnosticsSettings;
  /**
   * False when only the diagnostics are wanted (the server's per-statement diagnosis): rules then
   * report `fixes: []` and skip computing them. Code actions analyse with fixes.
   */
  readonly withFixes?: boolean;
}

export type Rule = (context: RuleContext) => Finding[];
