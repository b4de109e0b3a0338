/**
 * The data API on real PostgreSQL, each figure beside plain SQL on the same table in the same run:
 * - fetch_data of 10 years of daily bars (synthetic source; fresh symbols, then the same range again) vs
 *   generating the same bars and INSERTing them with plain multi-row statements into a twin table;
 * - range reads on a `market_data` table of ~5 million rows (BENCH_DATA_ROWS): a year of daily bars of one
 *   symbol, a week of 1-minute bars, the stored-bars layer a backtest calls, and a list page with its count.
 * Services are built by hand (tsx emits no decorator metadata, so no Nest DI).
 */
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { systemClock } from '../src/common/clock';
import { loadAppConfig } from '../src/config/app-config';
import type { AuthUser } from '../src/auth/current-user.decorator';
import { openDatabase } from '../src/database/database';
import type { Database } from '../src/database/database.module';
import { DataRequestsRepository } from '../src/data/data-requests.repository';
import { FetchDataService } from '../src/data/fetch-data.service';
import { MarketDataRepository } from '../src/data/market-data.repository';
import { StoredBarsProvider } from '../src/data/stored-bars.provider';
import { SymbolsRepository } from '../src/data/symbols.repository';
import { SyntheticMarketDataProvider } from '../src/market-data/synthetic.provider';
import { randomBytes } from 'node:crypto';
import { elapsedMs, fmtMs, fmtRatio, Section, summarize } from './stats';

Logger.overrideLogger(false);

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = Number(process.env.BENCH_DATA_ROWS ?? 5_000_000);
const FETCHES = Number(process.env.BENCH_DATA_FETCHES ?? 5);
const READS = Number(process.env.BENCH_DATA_READS ?? 200);
const DAILY_SYMBOLS = 100;
const DAILY_DAYS = 3650;
const MINUTE_SYMBOLS = 12;
const USER: AuthUser = { id: null, username: 'bench', isStaff: false };

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out.push(elapsedMs(t));
  }
  return out;
}

/** Alternates blocks of the two paths so load changes hit both alike. */
async function interleaved(
  n: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<[number[], number[]]> {
  const block = Math.max(1, Math.floor(n / 10));
  const sa: number[] = [];
  const sb: number[] = [];
  for (let done = 0; done < n; done += block) {
    const k = Math.min(block, n - done);
    sa.push(...(await timed(k, (i) => a(done + i))));
    sb.push(...(await timed(k, (i) => b(done + i))));
  }
  return [sa, sb];
}

export async function benchMarketData(): Promise<{ section: Section }> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const config = loadAppConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema });
  const connection = await openDatabase(config.database.target, schema);
  const pg = new Client({ connectionString: POSTGRES_URL });
  await pg.connect();
  await pg.query(`SET search_path TO "${schema}"`);
  try {
    await connection.migrate();
    const database = { connection } as Database;
    const bars = new MarketDataRepository(database);
    const symbols = new SymbolsRepository(database, bars);
    const requests = new DataRequestsRepository(database);
    const source = new SyntheticMarketDataProvider();
    const fetcher = new FetchDataService(source, database, symbols, requests, bars, config, systemClock);
    const rows: string[][] = [];
    const notes: string[] = [];

    // ---- fetch_data, 10 years daily
    await pg.query(`CREATE TABLE plain_bars (LIKE market_data INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING IDENTITY)`);
    const plainInsert = async (symbolId: number) => {
      const data = source.generate({ symbol: `P${symbolId}`, period: 'max', interval: '1d', days: 3650 });
      for (let i = 0; i < data.length; i += config.marketData.upsertBatch) {
        const chunk = data.slice(i, i + config.marketData.upsertBatch);
        const params: unknown[] = [];
        const values = chunk.map((b, j) => {
          params.push(symbolId, new Date(b.time), b.open, b.high, b.low, b.close, Math.round(b.volume), b.close);
          const o = j * 8;
          return `($${o + 1}, '1d', $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8})`;
        });
        await pg.query(
          `INSERT INTO plain_bars (symbol_id, interval, timestamp, open_price, high_price, low_price, close_price, volume, adj_close)
           VALUES ${values.join(',')}`,
          params,
        );
      }
      return data.length;
    };
    let barsPerFetch = 0;
    const [ours, plain] = await interleaved(
      FETCHES,
      async (i) => {
        const r = await fetcher.fetch(USER, { symbol: `F${i}`, period: '10y', interval: '1d' });
        barsPerFetch = r.total_records;
        if (r.records_saved !== r.total_records) throw new Error('fresh fetch stored fewer bars than fetched');
      },
      (i) => plainInsert(1000 + i),
    );
    const again = await timed(FETCHES, async (i) => {
      const r = await fetcher.fetch(USER, { symbol: `F${i}`, period: '10y', interval: '1d' });
      if (r.records_saved !== 0 || r.records_updated !== 0) throw new Error('re-fetch rewrote bars');
    });
    const base = summarize(plain);
    rows.push(['baseline: generate + plain INSERT batches (10y daily)', String(base.n), fmtMs(base.p50), fmtMs(base.max), '1.00×']);
    for (const [label, samples] of [
      ['fetch_data 10y daily, new symbol (upsert + request lifecycle)', ours],
      ['fetch_data 10y daily, same range again (nothing rewritten)', again],
    ] as const) {
      const s = summarize(samples);
      rows.push([label, String(s.n), fmtMs(s.p50), fmtMs(s.max), fmtRatio(s.p50 / base.p50)]);
    }
    notes.push(
      `${barsPerFetch} bars per fetch (10 years of weekdays), batches of ${config.marketData.upsertBatch} rows, one transaction per fetch.`,
    );

    // ---- a ~5M-row table
    const minuteRows = Math.max(0, ROWS - DAILY_SYMBOLS * DAILY_DAYS);
    const perMinuteSymbol = Math.ceil(minuteRows / MINUTE_SYMBOLS);
    const fill = process.hrtime.bigint();
    await pg.query(`
      INSERT INTO data_symbols (id, symbol, name) OVERRIDING SYSTEM VALUE
      SELECT s, 'S' || s, 'Bench ' || s FROM generate_series(10001, ${10000 + DAILY_SYMBOLS}) s
      UNION ALL SELECT s, 'M' || s, 'Bench ' || s FROM generate_series(20001, ${20000 + MINUTE_SYMBOLS}) s`);
    await pg.query(`
      INSERT INTO market_data (symbol_id, interval, timestamp, open_price, high_price, low_price, close_price, volume, adj_close)
      SELECT s, '1d', timestamptz '2010-01-01 00:00Z' + d * interval '1 day',
        100 + d % 37, 101 + d % 37, 99 + d % 37, 100.5 + d % 37, 1000 + d, 100.5 + d % 37
      FROM generate_series(10001, ${10000 + DAILY_SYMBOLS}) s, generate_series(0, ${DAILY_DAYS - 1}) d`);
    await pg.query(`
      INSERT INTO market_data (symbol_id, interval, timestamp, open_price, high_price, low_price, close_price, volume, adj_close)
      SELECT s, '1m', timestamptz '2025-01-01 00:00Z' + m * interval '1 minute',
        100 + m % 13, 101 + m % 13, 99 + m % 13, 100.5 + m % 13, 10 + m % 97, NULL
      FROM generate_series(20001, ${20000 + MINUTE_SYMBOLS}) s, generate_series(0, ${perMinuteSymbol - 1}) m`);
    await pg.query('ANALYZE market_data');
    const fillMs = elapsedMs(fill);
    const total = Number((await pg.query('SELECT count(*) AS n FROM market_data')).rows[0].n);
    const size = (
      await pg.query(
        `SELECT pg_size_pretty(pg_total_relation_size('market_data')) AS t, pg_size_pretty(pg_relation_size('market_data')) AS h`,
      )
    ).rows[0];

    const plainRange = (symbolId: number, interval: string, from: Date, to: Date) =>
      pg.query(
        `SELECT timestamp, open_price, high_price, low_price, close_price, volume FROM market_data
         WHERE symbol_id = $1 AND interval = $2 AND timestamp >= $3 AND timestamp <= $4 ORDER BY timestamp`,
        [symbolId, interval, from, to],
      );
    const cases: Array<{ label: string; symbolId: number; interval: string; from: Date; to: Date }> = [
      {
        label: 'a year of daily bars, one symbol',
        symbolId: 10050,
        interval: '1d',
        from: new Date('2015-01-01T00:00:00Z'),
        to: new Date('2015-12-31T23:59:59Z'),
      },
      {
        label: 'a week of 1-minute bars, one symbol',
        symbolId: 20006,
        interval: '1m',
        from: new Date('2025-01-08T00:00:00Z'),
        to: new Date('2025-01-14T23:59:59Z'),
      },
    ];
    for (const c of cases) {
      const plan = (
        await pg.query(
          'EXPLAIN SELECT * FROM market_data WHERE symbol_id = $1 AND interval = $2 AND timestamp >= $3 AND timestamp <= $4 ' +
            'ORDER BY timestamp',
          [c.symbolId, c.interval, c.from, c.to],
        )
      ).rows
        .map((r: Record<string, string>) => r['QUERY PLAN'])
        .join(' ');
      const n = (await plainRange(c.symbolId, c.interval, c.from, c.to)).rowCount;
      const [mine, sql] = await interleaved(
        READS,
        () => bars.bars(c.symbolId, c.interval, c.from, c.to),
        () => plainRange(c.symbolId, c.interval, c.from, c.to),
      );
      const b = summarize(sql);
      const m = summarize(mine);
      rows.push([`baseline: plain SQL, ${c.label} (${n} rows)`, String(b.n), fmtMs(b.p50), fmtMs(b.max), '1.00×']);
      rows.push([`MarketDataRepository.bars, ${c.label}`, String(m.n), fmtMs(m.p50), fmtMs(m.max), fmtRatio(m.p50 / b.p50)]);
      notes.push(`${c.label}: plan ${/Index (Only )?Scan using (\w+)/.exec(plan)?.[0] ?? plan.slice(0, 120)}.`);
    }

    // The layer a backtest calls (coverage lookup + range read) for a symbol fetched above.
    const layer = new StoredBarsProvider(source, bars, 86_400);
    const req = { symbol: 'F0', period: '1y', interval: '1d' } as const;
    const stored = await layer.stored(req);
    if (!stored) throw new Error('the stored-bars layer did not answer from the database');
    const f0 = (await symbols.bySymbol('F0'))!.id;
    const window = { from: new Date(stored.bars[0].time), to: new Date(stored.bars[stored.bars.length - 1].time) };
    const [viaLayer, direct] = await interleaved(
      READS,
      () => layer.getBars(req),
      () => plainRange(f0, '1d', window.from, window.to),
    );
    const d = summarize(direct);
    const l = summarize(viaLayer);
    rows.push([
      `baseline: plain SQL, the same 1y of daily bars (${stored.bars.length} rows)`,
      String(d.n),
      fmtMs(d.p50),
      fmtMs(d.max),
      '1.00×',
    ]);
    rows.push([
      'stored-bars layer (what backtests call: coverage + range), 1y daily',
      String(l.n),
      fmtMs(l.p50),
      fmtMs(l.max),
      fmtRatio(l.p50 / d.p50),
    ]);
    const gen = summarize(await timed(READS, () => source.getBars(req)));
    notes.push(
      `For scale: the synthetic source generates the same year in ${fmtMs(gen.p50)} (p50, in memory); Yahoo is a network round trip.`,
    );

    // A list page of market-data/ with its count (DRF pagination), filtered to one symbol-year.
    const filter = { symbol: undefined, interval: '1d', from: cases[0].from, to: cases[0].to };
    const plainPage = async () => {
      await pg.query(`SELECT count(*) FROM market_data WHERE interval = '1d' AND timestamp >= $1 AND timestamp <= $2`, [
        filter.from,
        filter.to,
      ]);
      await pg.query(
        `SELECT * FROM market_data WHERE interval = '1d' AND timestamp >= $1 AND timestamp <= $2 ORDER BY timestamp, id LIMIT 50`,
        [filter.from, filter.to],
      );
    };
    const [listed, plainListed] = await interleaved(Math.min(READS, 50), () => bars.list(filter, 50, 0), plainPage);
    const pb = summarize(plainListed);
    const lb = summarize(listed);
    rows.push([`baseline: plain SQL count + page, every symbol's 2015 daily bars`, String(pb.n), fmtMs(pb.p50), fmtMs(pb.max), '1.00×']);
    rows.push([
      'GET market-data/?interval=1d&start_date&end_date (repository list)',
      String(lb.n),
      fmtMs(lb.p50),
      fmtMs(lb.max),
      fmtRatio(lb.p50 / pb.p50),
    ]);

    notes.push(
      `Table: ${total.toLocaleString('en')} rows (${DAILY_SYMBOLS} symbols × ${DAILY_DAYS} daily bars + ${MINUTE_SYMBOLS} symbols × ` +
        `${perMinuteSymbol.toLocaleString('en')} 1-minute bars), filled server-side in ${(fillMs / 1000).toFixed(0)} s; ` +
        `${size.t} with indexes (${size.h} heap).`,
    );
    notes.push(
      `${READS} reads per range case, no warm-up, alternating blocks of ${Math.max(1, Math.floor(READS / 10))} between the two paths; ` +
        'a pg Client and the Drizzle pool on the same server.',
    );
    return {
      section: {
        title: 'Data API: fetch_data and range reads on PostgreSQL',
        headers: ['path', 'n', 'p50', 'max', 'p50 ÷ baseline p50'],
        rows,
        notes,
      },
    };
  } finally {
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
    await connection.close();
  }
}
