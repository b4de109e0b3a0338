import { Bar, Strategy, StrategyContext } from '../types';

export const DAY = 86_400_000;
/** 2024-01-01T00:00:00Z; bar n is `DAY × n` later. */
export const T0 = Date.UTC(2024, 0, 1);

/** A daily bar `n` days after T0. */
export function bar(n: number, open: number, high: number, low: number, close: number, volume = 1000): Bar {
  return { time: T0 + n * DAY, open, high, low, close, volume };
}

/** A frozen clock: always the same instant, so execution_time is 0. */
export const frozenClock = (): number => 1_700_000_000_000;

/** A strategy that runs `actions[i]` during onBar of bar i and does nothing otherwise. */
export function scripted(actions: Record<number, (ctx: StrategyContext) => void>): Strategy {
  let i = 0;
  return {
    onBar(_bar, ctx) {
      actions[i]?.(ctx);
      i++;
    },
  };
}
