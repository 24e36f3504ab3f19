/** What every rule receives, and the shape of a rule. */
import type { DiagnosticsSettings } from '../../shared/serverProtocol';
import type { Finding } from './findings';
import type { SyntaxIndex } from './syntax';

export interface RuleContext {
  readonly syntax: SyntaxIndex;
  readonly text: string;
  readonly settings: DiagnosticsSettings;
}

export type Rule = (context: RuleContext) => Finding[];
