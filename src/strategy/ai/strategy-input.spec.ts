import { detectInputType } from './strategy-input';

describe('detectInputType', () => {
  it('detects a single http(s) URL', () => {
    expect(detectInputType('  https://example.com/my-strategy  ')).toBe('url');
  });

  it('detects other schemes as url too, so they are refused rather than validated as text', () => {
    expect(detectInputType('file:///etc/passwd')).toBe('url');
    expect(detectInputType('ftp://example.com/x')).toBe('url');
  });

  it('detects numbered lines', () => {
    expect(detectInputType('1. Buy when RSI < 30\n2. Sell when RSI > 70\n3) Stop loss 2%')).toBe('numbered');
  });

  it('treats prose (even with a URL inside) as freetext', () => {
    expect(detectInputType('Buy BTC when the 50-day average crosses the 200-day one, see https://example.com')).toBe('freetext');
    expect(detectInputType('1. only one numbered line\nand some prose\nand more prose')).toBe('freetext');
  });

  it('keeps an explicit type', () => {
    expect(detectInputType('https://example.com', 'freetext')).toBe('freetext');
  });
});
