/**
 * Theme colours for what CSS cannot paint (the canvas): the --vscode-* variables VS Code sets on <html>,
 * read through getComputedStyle, with the default Light Modern values as fallbacks outside VS Code.
 */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Calls `onChange` when VS Code switches theme (it rewrites <html style> and <body class>). */
export function onThemeChange(onChange: () => void): void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
