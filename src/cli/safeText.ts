/**
 * Text from files (layer names, paths, manifest entries) reaches the terminal inside messages; raw control
 * characters there could move the cursor, recolour or rewrite the screen (escape sequences) or forge extra
 * lines. `oneLine` shows every control character (C0, DEL, C1, and the line/paragraph separators) as a
 * visible escape (`\n`, `\x1b`, `\u2028`), so a message is exactly one line of plain text. O(length).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function oneLine(text: string): string {
  return text.trimEnd().replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
