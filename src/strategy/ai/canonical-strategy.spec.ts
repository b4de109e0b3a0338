import {
  canonicalOf,
  describeCanonical,
  formatValidationMarkdown,
  decimalOrNull,
  validateAnswer,
  validateCanonical,
  VALIDATION_RESPONSE_SCHEMA,
  ValidationAnswer,
} from './canonical-strategy';

export const GOOD = {
  is_strategy: true,
  title: 'EMA Crossover BTC',
  description: 'Trend following on daily BTC-USD bars.',
  classification: { type: 'trend_following', risk_tier: 'medium', primary_instruments: ['BTC-USD'] },
  entry_rules: [{ id: 'entry_1', description: 'Buy when EMA 12 crosses above EMA 26', condition: 'ema_12 > ema_26' }],
  exit_rules: [{ description: 'Sell when EMA 12 crosses below EMA 26' }],
  risk_management: { stop_loss: '2% below entry', take_profit: '4% above entry', position_sizing: null },
  indicators: [
    { name: 'EMA', params: 'period=12' },
    { name: 'EMA', params: 'period=26' },
  ],
  metadata: { timeframe: '1d', expected_return: 12.5, max_drawdown: null },
  confidence: 'high',
  warnings: ['No position sizing given'],
};

describe('validateAnswer', () => {
  it('accepts a complete strategy', () => {
    expect(validateAnswer(GOOD)).toEqual([]);
  });

  it('accepts "not a strategy" with reasons and nothing else', () => {
    expect(validateAnswer({ is_strategy: false, reasons: ['It is a recipe'], confidence: 'high', warnings: [] })).toEqual([]);
  });

  it('asks for reasons when the text is not a strategy', () => {
    expect(validateAnswer({ is_strategy: false })).toEqual([{ path: '$.reasons', message: 'is required' }]);
  });

  it('reports every problem with its JSON path', () => {
    const bad = {
      ...GOOD,
      title: '',
      entry_rules: [{ condition: 'x' }],
      exit_rules: [],
      classification: { type: 'x', risk_tier: 'extreme', primary_instruments: 'BTC' },
      metadata: { expected_return: 'a lot' },
      confidence: 0.9,
    };
    expect(validateAnswer(bad).map((p) => p.path)).toEqual([
      '$.title',
      '$.classification.risk_tier',
      '$.classification.primary_instruments',
      '$.entry_rules[0].description',
      '$.exit_rules',
      '$.metadata.timeframe',
      '$.metadata.expected_return',
      '$.confidence',
    ]);
  });

  it('rejects a non-object and a missing verdict', () => {
    expect(validateAnswer([1])).toEqual([{ path: '$', message: 'must be an object' }]);
    expect(validateAnswer({ ...GOOD, is_strategy: undefined }).map((p) => p.path)).toEqual(['$.is_strategy']);
  });
});

describe('validateCanonical', () => {
  it('checks a stored canonical strategy (no verdict fields needed)', () => {
    const { is_strategy: _, ...canonical } = GOOD;
    expect(validateCanonical(canonical)).toEqual([]);
    expect(validateCanonical({}).length).toBeGreaterThan(5);
  });
});

describe('describeCanonical', () => {
  it('gives name, description, numbered rules, risk management and indicators', () => {
    const text = describeCanonical(canonicalOf(GOOD as ValidationAnswer));
    expect(text).toBe(
      [
        'Strategy Name: EMA Crossover BTC',
        'Description: Trend following on daily BTC-USD bars.',
        '',
        'Entry Rules:',
        '1. Buy when EMA 12 crosses above EMA 26',
        '',
        'Exit Rules:',
        '1. Sell when EMA 12 crosses below EMA 26',
        '',
        'Risk Management:',
        '- Stop Loss: 2% below entry',
        '- Take Profit: 4% above entry',
        '',
        'Indicators:',
        '- EMA (period=12)',
        '- EMA (period=26)',
        '',
        'Timeframe: 1d',
      ].join('\n'),
    );
  });

  it('tolerates partial input and object params', () => {
    expect(describeCanonical({ name: 'X', indicators: [{ name: 'RSI', params: { period: 14 } }] })).toBe(
      'Strategy Name: X\n\nIndicators:\n- RSI (period=14)',
    );
    expect(describeCanonical(null)).toBe('Strategy Name: Unnamed Strategy');
  });
});

describe('formatValidationMarkdown', () => {
  it('summarises the strategy in markdown', () => {
    const md = formatValidationMarkdown(canonicalOf(GOOD as ValidationAnswer));
    expect(md).toContain('## EMA Crossover BTC');
    expect(md).toContain('**Type:** trend_following · **Risk:** medium · **Timeframe:** 1d · **Confidence:** high');
    expect(md).toContain('### Entry rules\n1. Buy when EMA 12 crosses above EMA 26');
    expect(md).toContain('Position sizing: not specified');
    expect(md).toContain('### Warnings\n- No position sizing given');
  });
});

describe('VALIDATION_RESPONSE_SCHEMA', () => {
  it('uses only the Gemini schema subset (no $ref, oneOf, additionalProperties)', () => {
    const text = JSON.stringify(VALIDATION_RESPONSE_SCHEMA);
    expect(text).not.toMatch(/\$ref|oneOf|allOf|additionalProperties/);
    expect(VALIDATION_RESPONSE_SCHEMA.required).toEqual(['is_strategy', 'confidence', 'warnings']);
  });
});

describe('decimalOrNull', () => {
  it('keeps finite numbers within numeric(10,4)', () => {
    expect(decimalOrNull(12.5)).toBe('12.5');
    expect(decimalOrNull(-3.123456)).toBe('-3.1235');
    expect(decimalOrNull('12')).toBeNull();
    expect(decimalOrNull(1e7)).toBeNull();
    expect(decimalOrNull(null)).toBeNull();
  });
});
