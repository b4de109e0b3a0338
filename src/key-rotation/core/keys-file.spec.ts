import { KEY_DEFAULTS, KeysFileError, parseKeysFile, synthesizeKeysConfig } from './keys-file';

const flash = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  key_id: 'flash_01',
  model_name: 'gemini-2.5-flash',
  provider: 'gemini',
  project: 'proj-a',
  rpm: 10,
  tpm: 250000,
  rpd: 250,
  burst_capacity: 5,
  priority: 1,
  workload_type: 'light',
  active: true,
  tags: { region: 'us-east' },
  ...overrides,
});

function problemsOf(json: unknown): string[] {
  try {
    parseKeysFile(json);
  } catch (error) {
    expect(error).toBeInstanceOf(KeysFileError);
    return [...(error as KeysFileError).problems];
  }
  throw new Error('expected parseKeysFile to throw');
}

describe(parseKeysFile.name, () => {
  describe('a valid file', () => {
    it('maps the documented example to camelCase metadata', () => {
      const { config, warnings } = parseKeysFile({
        keys: [flash(), flash({ key_id: 'pro_01', model_name: 'gemini-2.5-pro', project: 'proj-b', rpm: 5 })],
        fallback_order: ['pro_01', 'flash_01'],
        model_compatibility: { 'gemini-2.5-pro': ['gemini-2.5-flash'] },
        rotation_strategy: 'least_loaded',
      });
      expect(warnings).toEqual([]);
      expect(config.keys[0]).toEqual({
        keyId: 'flash_01',
        modelName: 'gemini-2.5-flash',
        provider: 'gemini',
        project: 'proj-a',
        rpm: 10,
        tpm: 250000,
        rpd: 250,
        burstCapacity: 5,
        priority: 1,
        workloadType: 'light',
        active: true,
        tags: { region: 'us-east' },
      });
      expect(config.keys[1]).toMatchObject({ keyId: 'pro_01', modelName: 'gemini-2.5-pro', rpm: 5 });
      expect(config.fallbackOrder).toEqual(['pro_01', 'flash_01']);
      expect(config.modelCompatibility).toEqual({ 'gemini-2.5-pro': ['gemini-2.5-flash'] });
      expect(config.rotationStrategy).toBe('least_loaded');
    });

    it('fills every optional field with its documented default', () => {
      const { config } = parseKeysFile({ keys: [{ key_id: 'k1', model_name: 'gemini-2.5-flash' }] });
      expect(config.keys[0]).toEqual({
        keyId: 'k1',
        modelName: 'gemini-2.5-flash',
        provider: 'gemini',
        project: 'k1',
        rpm: 10,
        tpm: 250000,
        rpd: 250,
        burstCapacity: 10,
        priority: 1,
        workloadType: null,
        active: true,
        tags: {},
      });
      expect(config.fallbackOrder).toEqual([]);
      expect(config.modelCompatibility).toEqual({});
      expect(config.rotationStrategy).toBe('least_loaded');
    });

    it('makes a key without project its own project', () => {
      const { config } = parseKeysFile({ keys: [flash({ project: undefined })] });
      expect(config.keys[0].project).toBe('flash_01');
    });

    it('defaults burst_capacity to the key rpm', () => {
      const { config } = parseKeysFile({ keys: [flash({ rpm: 7, burst_capacity: undefined })] });
      expect(config.keys[0].burstCapacity).toBe(7);
    });

    it('strips a leading "models/" from model names', () => {
      const { config } = parseKeysFile({
        keys: [flash({ model_name: 'models/gemini-2.5-flash' })],
        model_compatibility: { 'models/gemini-2.5-pro': ['models/gemini-2.5-flash'] },
      });
      expect(config.keys[0].modelName).toBe('gemini-2.5-flash');
      expect(config.modelCompatibility).toEqual({ 'gemini-2.5-pro': ['gemini-2.5-flash'] });
    });

    it('accepts both other rotation strategies', () => {
      for (const strategy of ['round_robin', 'random'] as const) {
        expect(parseKeysFile({ keys: [flash()], rotation_strategy: strategy }).config.rotationStrategy).toBe(strategy);
      }
    });

    it('keeps inactive keys in the config with active false', () => {
      expect(parseKeysFile({ keys: [flash({ active: false })] }).config.keys[0].active).toBe(false);
    });

    it('accepts priority 0 and a null workload_type', () => {
      const { config } = parseKeysFile({ keys: [flash({ priority: 0, workload_type: null })] });
      expect(config.keys[0]).toMatchObject({ priority: 0, workloadType: null });
    });

    it('stringifies numeric and boolean tag values', () => {
      const { config } = parseKeysFile({ keys: [flash({ tags: { tier: 1, paid: false } })] });
      expect(config.keys[0].tags).toEqual({ tier: '1', paid: 'false' });
    });

    it('exposes the documented defaults', () => {
      expect(KEY_DEFAULTS).toMatchObject({ rpm: 10, tpm: 250000, rpd: 250, priority: 1, active: true, provider: 'gemini' });
    });
  });

  describe('unknown fields', () => {
    it('warns once per unknown key field and ignores it', () => {
      const { config, warnings } = parseKeysFile({ keys: [flash({ colour: 'blue', weight: 3 })] });
      expect(warnings).toEqual([
        'keys[0] (key_id "flash_01"): unknown field "colour" ignored',
        'keys[0] (key_id "flash_01"): unknown field "weight" ignored',
      ]);
      expect(config.keys[0]).not.toHaveProperty('colour');
    });

    it('warns once per unknown top-level field', () => {
      const { warnings } = parseKeysFile({ keys: [flash()], version: 2 });
      expect(warnings).toEqual(['(root): unknown field "version" ignored']);
    });

    it('points out a field that looks like a secret without echoing its value', () => {
      const { warnings } = parseKeysFile({ keys: [flash({ api_key: 'AIzaSyTOPSECRET' })] });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('secrets never live in keys.json');
      expect(warnings[0]).not.toContain('AIzaSyTOPSECRET');
    });

    it('warns about a key_id repeated in fallback_order and keeps its first position', () => {
      const { config, warnings } = parseKeysFile({ keys: [flash()], fallback_order: ['flash_01', 'flash_01'] });
      expect(config.fallbackOrder).toEqual(['flash_01']);
      expect(warnings).toEqual(['fallback_order[1]: key_id "flash_01" listed again, later position ignored']);
    });
  });

  describe('an invalid file', () => {
    it('throws a KeysFileError whose message names entry and field', () => {
      const file = { keys: [flash(), flash({ key_id: 'flash_03' }), flash({ key_id: 'flash_02', rpm: 0 })] };
      expect(() => parseKeysFile(file)).toThrow(KeysFileError);
      expect(() => parseKeysFile(file)).toThrow('keys[2] (key_id "flash_02").rpm: must be a positive integer');
    });

    it('rejects a root that is not an object', () => {
      expect(problemsOf([flash()])).toEqual(['(root): must be a JSON object with a "keys" array']);
      expect(problemsOf(null)).toHaveLength(1);
    });

    it('requires a non-empty keys array', () => {
      expect(problemsOf({})).toEqual(['keys: is required']);
      expect(problemsOf({ keys: {} })).toEqual(['keys: must be an array']);
      expect(problemsOf({ keys: [] })).toEqual(['keys: must contain at least one key']);
    });

    it('rejects a key entry that is not an object', () => {
      expect(problemsOf({ keys: ['flash_01'] })).toEqual(['keys[0]: must be an object']);
    });

    it('requires key_id and names the entry by index when it is missing', () => {
      expect(problemsOf({ keys: [flash({ key_id: undefined })] })).toEqual(['keys[0].key_id: is required']);
    });

    it('rejects a key_id with characters unsafe for env names and store keys', () => {
      expect(problemsOf({ keys: [flash({ key_id: 'flash 01:x' })] })[0]).toMatch(/^keys\[0\]\.key_id: must be 1-64 characters/);
    });

    it('requires model_name', () => {
      expect(problemsOf({ keys: [flash({ model_name: undefined })] })).toEqual(['keys[0] (key_id "flash_01").model_name: is required']);
      expect(problemsOf({ keys: [flash({ model_name: '  ' })] })).toEqual([
        'keys[0] (key_id "flash_01").model_name: must be a non-empty string',
      ]);
    });

    it('rejects a provider other than gemini', () => {
      expect(problemsOf({ keys: [flash({ provider: 'openai' })] })).toEqual(['keys[0] (key_id "flash_01").provider: must be "gemini"']);
    });

    it.each(['rpm', 'tpm', 'rpd', 'burst_capacity'])('rejects zero, negative, fractional or string %s', (field) => {
      for (const bad of [0, -1, 2.5, '10', null]) {
        expect(problemsOf({ keys: [flash({ [field]: bad })] })).toEqual([
          `keys[0] (key_id "flash_01").${field}: must be a positive integer`,
        ]);
      }
    });

    it('rejects a negative or fractional priority', () => {
      expect(problemsOf({ keys: [flash({ priority: -1 })] })).toEqual([
        'keys[0] (key_id "flash_01").priority: must be a non-negative integer',
      ]);
      expect(problemsOf({ keys: [flash({ priority: 1.5 })] })).toHaveLength(1);
    });

    it('rejects an empty project, a non-boolean active, a bad workload_type and bad tags', () => {
      expect(problemsOf({ keys: [flash({ project: '', active: 'yes', workload_type: 3, tags: ['a'] })] })).toEqual([
        'keys[0] (key_id "flash_01").project: must be a non-empty string',
        'keys[0] (key_id "flash_01").workload_type: must be a non-empty string or null',
        'keys[0] (key_id "flash_01").active: must be true or false',
        'keys[0] (key_id "flash_01").tags: must be an object of string values',
      ]);
    });

    it('rejects a nested tag value', () => {
      expect(problemsOf({ keys: [flash({ tags: { region: { a: 1 } } })] })).toEqual([
        'keys[0] (key_id "flash_01").tags.region: must be a string, number or boolean',
      ]);
    });

    it('rejects duplicate key_ids naming both entries', () => {
      expect(problemsOf({ keys: [flash(), flash({ project: 'other' })] })).toEqual([
        'keys[1] (key_id "flash_01").key_id: duplicate of keys[0]',
      ]);
    });

    it('rejects fallback_order naming an unknown key', () => {
      expect(problemsOf({ keys: [flash()], fallback_order: ['flash_01', 'pro_09'] })).toEqual([
        'fallback_order[1]: names unknown key_id "pro_09"',
      ]);
    });

    it('rejects a fallback_order that is not an array of strings', () => {
      expect(problemsOf({ keys: [flash()], fallback_order: 'flash_01' })).toEqual(['fallback_order: must be an array of key_ids']);
      expect(problemsOf({ keys: [flash()], fallback_order: [1] })).toEqual(['fallback_order[0]: must be a key_id string']);
    });

    it('rejects a malformed model_compatibility', () => {
      expect(problemsOf({ keys: [flash()], model_compatibility: ['x'] })).toEqual([
        'model_compatibility: must be an object mapping a model to an array of models',
      ]);
      expect(problemsOf({ keys: [flash()], model_compatibility: { 'gemini-2.5-pro': 'gemini-2.5-flash' } })).toEqual([
        'model_compatibility["gemini-2.5-pro"]: must be an array of model names',
      ]);
      expect(problemsOf({ keys: [flash()], model_compatibility: { 'gemini-2.5-pro': ['', 'gemini-2.5-pro'] } })).toEqual([
        'model_compatibility["gemini-2.5-pro"][0]: must be a non-empty string',
        'model_compatibility["gemini-2.5-pro"][1]: must not name the model itself',
      ]);
    });

    it('rejects an unknown rotation_strategy', () => {
      expect(problemsOf({ keys: [flash()], rotation_strategy: 'fastest' })).toEqual([
        'rotation_strategy: must be one of least_loaded, round_robin, random',
      ]);
    });

    it('reports every problem at once', () => {
      const problems = problemsOf({
        keys: [flash({ rpm: -5 }), flash({ key_id: 'flash_02', tpm: 'lots' })],
        fallback_order: ['nope'],
        rotation_strategy: 'fastest',
      });
      expect(problems).toEqual([
        'keys[0] (key_id "flash_01").rpm: must be a positive integer',
        'keys[1] (key_id "flash_02").tpm: must be a positive integer',
        'fallback_order[0]: names unknown key_id "nope"',
        'rotation_strategy: must be one of least_loaded, round_robin, random',
      ]);
    });

    it('never echoes field values in its message', () => {
      const secret = 'AIzaSyLEAKEDVALUE';
      const problems = problemsOf({ keys: [flash({ provider: secret, model_name: 42, rpm: secret })] });
      expect(problems.join('\n')).not.toContain(secret);
    });
  });
});

describe(synthesizeKeysConfig.name, () => {
  it('creates one key per id serving the model, each its own project, with defaults', () => {
    const config = synthesizeKeysConfig(['key_01', 'key_02'], 'gemini-2.5-flash');
    expect(config.keys).toEqual([
      {
        keyId: 'key_01',
        modelName: 'gemini-2.5-flash',
        provider: 'gemini',
        project: 'key_01',
        rpm: 10,
        tpm: 250000,
        rpd: 250,
        burstCapacity: 10,
        priority: 1,
        workloadType: null,
        active: true,
        tags: {},
      },
      expect.objectContaining({ keyId: 'key_02', project: 'key_02' }),
    ]);
  });

  it('uses the default strategy with no fallback order or compatibility', () => {
    const config = synthesizeKeysConfig(['default'], 'gemini-2.5-flash');
    expect(config).toMatchObject({ fallbackOrder: [], modelCompatibility: {}, rotationStrategy: 'least_loaded' });
  });

  it('keeps a repeated id once', () => {
    expect(synthesizeKeysConfig(['a', 'b', 'a'], 'm').keys.map((k) => k.keyId)).toEqual(['a', 'b']);
  });

  it('returns an empty key list for no ids', () => {
    expect(synthesizeKeysConfig([], 'gemini-2.5-flash').keys).toEqual([]);
  });

  it('strips a leading "models/" from the model', () => {
    expect(synthesizeKeysConfig(['a'], 'models/gemini-2.5-pro').keys[0].modelName).toBe('gemini-2.5-pro');
  });

  it('rejects an empty model or an unsafe id', () => {
    expect(() => synthesizeKeysConfig(['a'], '')).toThrow(RangeError);
    expect(() => synthesizeKeysConfig(['bad id'], 'm')).toThrow(RangeError);
  });

  it('produces metadata that parseKeysFile would also accept', () => {
    const config = synthesizeKeysConfig(['key_01'], 'gemini-2.5-flash');
    const k = config.keys[0];
    const reparsed = parseKeysFile({ keys: [{ key_id: k.keyId, model_name: k.modelName }] }).config;
    expect(reparsed).toEqual(config);
  });
});
