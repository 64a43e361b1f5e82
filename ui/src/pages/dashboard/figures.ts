// What the dashboard's charts draw, computed from the figures of a pipeline's stages (pure).

export interface StageFigures {
  readonly name: string;
  readonly label: string;
  readonly color?: string | undefined;
  readonly count: number;
  /** Amounts per currency. */
  readonly amounts: ReadonlyMap<string, number>;
  readonly category: 'open' | 'won' | 'lost';
}

export interface FunnelStep {
  readonly name: string;
  readonly label: string;
  readonly color?: string | undefined;
  /** Deals in this stage now. */
  readonly here: number;
  /** Deals that reached this stage: those in it or in a later stage of the funnel. */
  readonly reached: number;
  /** Width of the step, in per cent of the widest (never wider than the step before it). */
  readonly width: number;
}

/** The narrowest step, so that its number still fits. */
const MIN_WIDTH = 14;

/**
 * The funnel: the stages a deal walks through (open ones, then won), in the pipeline's order, each
 * as wide as the number of deals that got that far. Counting the deals that went further makes the
 * shape narrow down stage after stage, whatever the current spread (a funnel drawn from the deals
 * waiting in each stage turns upside down as soon as a later stage holds more of them). Lost deals
 * are left out: where they were lost is not in the figures.
 */
export function funnelSteps(stages: readonly StageFigures[]): FunnelStep[] {
  const path = stages.filter((s) => s.category !== 'lost');
  const reached: number[] = [];
  let further = 0;
  for (let i = path.length - 1; i >= 0; i--) reached[i] = further += path[i]!.count;
  const top = reached[0] ?? 0;
  return path.map((s, i) => ({
    name: s.name,
    label: s.label,
    color: s.color,
    here: s.count,
    reached: reached[i]!,
    width: top === 0 ? MIN_WIDTH : Math.max(MIN_WIDTH, (100 * reached[i]!) / top),
  }));
}

export const SERIES_COLORS: readonly string[] = ['#2f5bea', '#12805c', '#b54708', '#7a5af8', '#c11574', '#0e7090'];
