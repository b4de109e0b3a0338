/**
 * Pull the bot source out of a Gemini answer (markdown). Port of the Python `_extract_code`
 * (as the Django backend's fix loop did), adapted to JavaScript bots:
 *
 *   1. the first non-empty fenced block tagged as JavaScript (js, javascript, node, nodejs, cjs, mjs, jsx);
 *   2. else the first non-empty block tagged as TypeScript (ts, typescript, tsx) — Gemini sometimes labels
 *      plain JS that way;
 *   3. else the first non-empty fenced block with any tag or none;
 *   4. else, when there is no fence at all, the raw text trimmed.
 *
 * Fences follow CommonMark loosely: ``` or ~~~ (3 or more), any indentation (stripped from the body),
 * an optional info string whose first word is the language. A block closes on a line holding only a fence
 * of the same character at least as long as the opener; an unclosed block runs to the end of the text
 * (a stray ``` glued to the last code line is dropped). CRLF / CR line endings and a BOM are normalised.
 * When fences exist but every block is empty, the result is '' (the fixer treats that as "no code").
 */

const JS_TAGS = new Set(['js', 'javascript', 'node', 'nodejs', 'cjs', 'mjs', 'jsx']);
const TS_TAGS = new Set(['ts', 'typescript', 'tsx']);

interface FencedBlock {
  /** Lowercased first word of the info string, '' when untagged. */
  lang: string;
  body: string;
}

const OPENING_FENCE = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

export function extractCode(text: string): string {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const blocks = fencedBlocks(normalised);
  if (blocks.length === 0) return normalised.trim();

  const nonEmpty = blocks.filter((b) => b.body.trim() !== '');
  const pick = nonEmpty.find((b) => JS_TAGS.has(b.lang)) ?? nonEmpty.find((b) => TS_TAGS.has(b.lang)) ?? nonEmpty[0];
  return pick ? pick.body : '';
}

function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = OPENING_FENCE.exec(lines[i]);
    // A backtick info string may not contain backticks (that would be inline code, e.g. ```x```).
    if (!open || (open[2][0] === '`' && open[3].includes('`'))) {
      i++;
      continue;
    }
    const [, indent, fence, info] = open;
    // "js", "javascript title=bot.js", "js:bot.js", "{.js}" all give "js".
    const lang = (/^[{.\s]*([\w+#-]*)/.exec(info)?.[1] ?? '').toLowerCase();
    const closing = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);

    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      if (closing.test(lines[i])) {
        closed = true;
        i++;
        break;
      }
      body.push(stripIndent(lines[i], indent));
    }
    if (!closed && body.length > 0) {
      // Unclosed block: tolerate a fence glued to the end of the last code line ("}```").
      const last = body.length - 1;
      body[last] = body[last].replace(new RegExp(`${escapeRegExp(fence)}[ \\t]*$`), '');
    }
    blocks.push({ lang, body: tidy(body.join('\n')) });
  }
  return blocks;
}

/** Remove the opener's indentation (at most that much leading whitespace) from a body line. */
function stripIndent(line: string, indent: string): string {
  let n = 0;
  while (n < indent.length && n < line.length && (line[n] === ' ' || line[n] === '\t')) n++;
  return line.slice(n);
}

/** Drop leading blank lines and trailing whitespace; keep the first line's indentation. */
function tidy(body: string): string {
  return body.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
