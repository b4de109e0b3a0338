import { extractCode } from './extract-code';

const BOT = 'module.exports = {\n  onBar(bar, ctx) {\n    ctx.buy(1);\n  },\n};';

describe(extractCode.name, () => {
  it('takes the body of a ```javascript block after leading prose', () => {
    const text = `Here is your strategy:\n\n\`\`\`javascript\n${BOT}\n\`\`\`\n\nIt buys every bar.`;
    expect(extractCode(text)).toBe(BOT);
  });

  it.each(['js', 'javascript', 'JavaScript', 'node', 'cjs', 'mjs'])('recognises the %s tag', (tag) => {
    expect(extractCode(`\`\`\`${tag}\n${BOT}\n\`\`\``)).toBe(BOT);
  });

  it('prefers the first js block over an earlier block of another language', () => {
    const text = '```json\n{"a":1}\n```\n\n```js\nconst first = 1;\n```\n```js\nconst second = 2;\n```';
    expect(extractCode(text)).toBe('const first = 1;');
  });

  it('uses a ts block only when there is no js block', () => {
    expect(extractCode('```bash\nnpm i\n```\n```ts\nconst a: number = 1;\n```')).toBe('const a: number = 1;');
    expect(extractCode('```typescript\nconst t = 1;\n```\n```js\nconst j = 1;\n```')).toBe('const j = 1;');
  });

  it('falls back to the first fenced block of any tag, including an untagged one', () => {
    expect(extractCode('Code:\n```\nconst x = 1;\n```\nmore\n```python\nx = 2\n```')).toBe('const x = 1;');
    expect(extractCode('```python\nx = 2\n```\n```\nconst x = 1;\n```')).toBe('x = 2');
  });

  it('returns the raw text trimmed when there is no fence', () => {
    expect(extractCode(`\n\n  ${BOT}  \n\n`)).toBe(BOT);
  });

  it('handles CRLF line endings', () => {
    const text = `Sure!\r\n\`\`\`js\r\n${BOT.replace(/\n/g, '\r\n')}\r\n\`\`\`\r\nDone.`;
    expect(extractCode(text)).toBe(BOT);
  });

  it('takes everything to the end when the closing fence is missing', () => {
    expect(extractCode(`Here:\n\`\`\`js\n${BOT}\n`)).toBe(BOT);
  });

  it('drops a closing fence glued to the last code line', () => {
    expect(extractCode('```js\nconst a = 1;\nconst b = 2;```')).toBe('const a = 1;\nconst b = 2;');
  });

  it('keeps inner indentation and strips the fence indentation', () => {
    const text = '1. The bot:\n   ```js\n   function f() {\n     return 1;\n   }\n   ```';
    expect(extractCode(text)).toBe('function f() {\n  return 1;\n}');
  });

  it('accepts tilde fences and info strings with attributes', () => {
    expect(extractCode('~~~js\nconst a = 1;\n~~~')).toBe('const a = 1;');
    expect(extractCode('```js title="bot.js"\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(extractCode('```javascript:bot.js\nconst a = 1;\n```')).toBe('const a = 1;');
  });

  it('lets a longer fence contain a shorter one', () => {
    const inner = 'const doc = `\n```\nnot a fence end\n```\n`;';
    expect(extractCode(`\`\`\`\`js\n${inner}\n\`\`\`\``)).toBe(inner);
  });

  it('skips empty blocks and returns "" when every block is empty', () => {
    expect(extractCode('```js\n\n```\n```js\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(extractCode('```js\n```')).toBe('');
  });

  it('does not treat inline triple-backtick code as a fence', () => {
    expect(extractCode('Use ```x``` for code.\n```js\nconst a = 1;\n```')).toBe('const a = 1;');
  });

  it('strips a BOM', () => {
    expect(extractCode('\uFEFFconst a = 1;')).toBe('const a = 1;');
  });
});
