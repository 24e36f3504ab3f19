/**
 * Snippet templates for Azure Monitor in Python: the catalogue, its standalone rendering, the
 * planner that inserts one into an existing file, SDK detection and the CLI hook.
 *
 * Plain Node: never import `vscode` here.
 */
export type { SnippetFilter, SnippetFramework, SnippetSdk, SnippetSignal, SnippetTemplate } from './types';
export { SNIPPETS } from './catalogue';
export { detectSdk, listSnippets } from './listing';
export type { DetectedSdk } from './listing';
export { findSnippet, renderImportsAndSetup, renderStandalone } from './render';
export { planCodeInsertion, planInsertion } from './insertion';
export type { CodeToInsert, InsertionPlan, SnippetInsertionPlan } from './insertion';
export { applyTextEdits, offsetAt } from './textEdits';
export type { PlannedTextEdit, TextPosition } from './textEdits';
export { runSnippetsCommand } from './cli';
