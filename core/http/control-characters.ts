// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: in a name they would
// break lines in logs, exports and the UI, so input holding them is refused, never silently cleaned.
const controlCharacters = /[\p{Cc}\u2028\u2029]/u;
const controlCharactersButNewline = /(?![\r\n])[\p{Cc}\u2028\u2029]/u;

/** Whether text holds control characters; `allowNewlines` lets line breaks (\n, \r\n) through, for messages. */
export function hasControlCharacters(text: string, options: { allowNewlines?: boolean } = {}): boolean {
  return (options.allowNewlines ? controlCharactersButNewline : controlCharacters).test(text);
}
