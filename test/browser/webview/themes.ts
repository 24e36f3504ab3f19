/**
 * What VS Code gives a webview: its theme as --vscode-* variables on <html>, a `vscode-light` /
 * `vscode-dark` class on <body>, and a small default stylesheet. Values are VS Code 1.100's
 * "Light Modern" and "Dark Modern" (the defaults), limited to the variables the panel and
 * @vscode-elements read.
 */

export type ThemeKind = 'light' | 'dark';

const COMMON: Record<string, string> = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-weight': 'normal',
  'font-size': '13px',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  'editor-font-size': '13px',
};

const DARK: Record<string, string> = {
  foreground: '#cccccc',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  descriptionForeground: '#9d9d9d',
  errorForeground: '#f85149',
  focusBorder: '#0078d4',
  'widget-border': '#313131',
  'panel-background': '#181818',
  'panel-border': '#2b2b2b',
  'panelTitle-activeForeground': '#cccccc',
  'panelTitle-activeBorder': '#0078d4',
  'panelTitle-inactiveForeground': '#9d9d9d',
  'settings-headerBorder': '#2b2b2b',
  'sideBar-background': '#181818',
  'editorWidget-background': '#202020',
  'editorWidget-border': '#313131',
  'list-hoverBackground': '#2a2d2e',
  'list-activeSelectionBackground': '#04395e',
  'list-activeSelectionForeground': '#ffffff',
  'list-inactiveSelectionBackground': '#37373d',
  'list-focusOutline': '#0078d4',
  'badge-background': '#616161',
  'badge-foreground': '#f8f8f8',
  'button-background': '#0078d4',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#026ec1',
  'button-border': '#ffffff12',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
  'input-placeholderForeground': '#989898',
  'settings-textInputBackground': '#313131',
  'settings-textInputForeground': '#cccccc',
  'settings-textInputBorder': '#3c3c3c',
  'dropdown-background': '#313131',
  'dropdown-foreground': '#cccccc',
  'dropdown-border': '#3c3c3c',
  'dropdown-listBackground': '#1f1f1f',
  'settings-dropdownBackground': '#313131',
  'settings-dropdownForeground': '#cccccc',
  'settings-dropdownBorder': '#3c3c3c',
  'settings-dropdownListBorder': '#454545',
  'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  'charts-foreground': '#cccccc',
  'charts-lines': 'rgba(204, 204, 204, 0.5)',
  'charts-red': '#f14c4c',
  'charts-blue': '#3794ff',
  'charts-yellow': '#cca700',
  'charts-orange': '#d18616',
  'charts-green': '#89d185',
  'charts-purple': '#b180d7',
  'testing-iconFailed': '#f14c4c',
  'testing-iconPassed': '#73c991',
  'editorWarning-foreground': '#cca700',
  'editorInfo-foreground': '#3794ff',
  'textCodeBlock-background': '#2b2b2b',
  'textPreformat-foreground': '#d0d0d0',
  'textLink-foreground': '#4daafc',
  'scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
  'scrollbarSlider-hoverBackground': 'rgba(100, 100, 100, 0.7)',
  'inputValidation-errorBackground': '#5a1d1d',
};

const LIGHT: Record<string, string> = {
  foreground: '#3b3b3b',
  'editor-background': '#ffffff',
  'editor-foreground': '#3b3b3b',
  descriptionForeground: '#717171',
  errorForeground: '#f85149',
  focusBorder: '#005fb8',
  'widget-border': '#e5e5e5',
  'panel-background': '#f8f8f8',
  'panel-border': '#e5e5e5',
  'panelTitle-activeForeground': '#3b3b3b',
  'panelTitle-activeBorder': '#005fb8',
  'panelTitle-inactiveForeground': '#3b3b3b',
  'settings-headerBorder': '#e5e5e5',
  'sideBar-background': '#f8f8f8',
  'editorWidget-background': '#f8f8f8',
  'editorWidget-border': '#e5e5e5',
  'list-hoverBackground': '#f2f2f2',
  'list-activeSelectionBackground': '#e8e8e8',
  'list-activeSelectionForeground': '#000000',
  'list-inactiveSelectionBackground': '#e4e6f1',
  'list-focusOutline': '#005fb8',
  'badge-background': '#cccccc',
  'badge-foreground': '#3b3b3b',
  'button-background': '#005fb8',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#0258a8',
  'button-border': '#0000001a',
  'button-secondaryBackground': '#e5e5e5',
  'button-secondaryForeground': '#3b3b3b',
  'button-secondaryHoverBackground': '#cccccc',
  'input-background': '#ffffff',
  'input-foreground': '#3b3b3b',
  'input-border': '#cecece',
  'input-placeholderForeground': '#767676',
  'settings-textInputBackground': '#ffffff',
  'settings-textInputForeground': '#3b3b3b',
  'settings-textInputBorder': '#cecece',
  'dropdown-background': '#ffffff',
  'dropdown-foreground': '#3b3b3b',
  'dropdown-border': '#cecece',
  'dropdown-listBackground': '#ffffff',
  'settings-dropdownBackground': '#ffffff',
  'settings-dropdownForeground': '#3b3b3b',
  'settings-dropdownBorder': '#cecece',
  'settings-dropdownListBorder': '#c8c8c8',
  'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
  'charts-foreground': '#616161',
  'charts-lines': 'rgba(97, 97, 97, 0.5)',
  'charts-red': '#e51400',
  'charts-blue': '#1a85ff',
  'charts-yellow': '#bf8803',
  'charts-orange': '#d18616',
  'charts-green': '#388a34',
  'charts-purple': '#652d90',
  'testing-iconFailed': '#f14c4c',
  'testing-iconPassed': '#388a34',
  'editorWarning-foreground': '#bf8803',
  'editorInfo-foreground': '#1a85ff',
  'textCodeBlock-background': '#f8f8f8',
  'textPreformat-foreground': '#3b3b3b',
  'textLink-foreground': '#005fb8',
  'scrollbarSlider-background': 'rgba(100, 100, 100, 0.4)',
  'scrollbarSlider-hoverBackground': 'rgba(100, 100, 100, 0.7)',
  'inputValidation-errorBackground': '#f2dede',
};

/** The theme stylesheet the test page serves (VS Code sets the same variables inline). */
export function themeCss(kind: ThemeKind): string {
  const variables = { ...COMMON, ...(kind === 'dark' ? DARK : LIGHT) };
  const declarations = Object.entries(variables)
    .map(([name, value]) => `  --vscode-${name}: ${value};`)
    .join('\n');
  return `html {\n${declarations}\n}\n${DEFAULT_WEBVIEW_STYLES}`;
}

/** An abridged copy of the default stylesheet VS Code puts in every webview. */
const DEFAULT_WEBVIEW_STYLES = `
html { scrollbar-color: var(--vscode-scrollbarSlider-background) var(--vscode-editor-background); }
body {
  background-color: transparent;
  color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family);
  font-weight: var(--vscode-font-weight);
  font-size: var(--vscode-font-size);
  margin: 0;
  padding: 0 20px;
}
img, video { max-width: 100%; max-height: 100%; }
a, a code { color: var(--vscode-textLink-foreground); }
code { font-family: var(--vscode-editor-font-family); color: var(--vscode-textPreformat-foreground); }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
::-webkit-scrollbar-thumb:hover { background-color: var(--vscode-scrollbarSlider-hoverBackground); }
`;
