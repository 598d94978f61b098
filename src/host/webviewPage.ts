/**
 * The RGP webview page: our bundled script and stylesheet only, under a strict Content-Security-Policy
 * with a per-load nonce (no inline code, no remote resources, no eval). Kept free of `vscode` so the
 * browser tests load exactly the page the extension serves.
 */
export interface WebviewPageParts {
  scriptUri: string;
  styleUri: string;
  /** The webview's own origin, allowed for styles, images and fonts. */
  cspSource: string;
  nonce: string;
  title: string;
}

export function webviewPage(p: WebviewPageParts): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `style-src ${p.cspSource}`,
    `font-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(p.styleUri)}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${p.nonce}" src="${escapeHtml(p.scriptUri)}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
