/**
 * True for what can be run as a bot: not a JSON document (canonical strategy JSON) and assigning
 * `module.exports` / `exports.x` (docs/bot-sdk.md). Everything else (canonical JSON, Python, prose) is not.
 */
export function looksLikeBot(code: string): boolean {
  const text = code.trim();
  if (!text) return false;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text);
      return false;
    } catch {
      /* not JSON: may still be a bot */
    }
  }
  return /\bmodule\s*\.\s*exports\b|\bexports\s*\.\s*[A-Za-z_$]/.test(text);
}
