/**
 * A few of the --vscode-* variables VS Code sets on a webview's <html>, with the values of the default
 * Light Modern and Dark Modern themes, so the page is tested the way each theme paints it.
 */
export const THEMES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-progressBar-background': '#005fb8',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-errorForeground': '#f85149',
  },
  dark: {
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-progressBar-background': '#0078d4',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-errorForeground': '#f85149',
  },
};
