/**
 * Thresholds: which utilisation figures call for a larger class, and whether all of them
 * allow a smaller one. Each finding keeps the value and the limit so a decision can say why.
 */
import type { Thresholds } from './policy.js';
import type { Signal } from './state.js';
import type { Utilisation } from './utilisation.js';

/** Finding is one utilisation figure compared with its limit. */
export interface Finding {
  readonly signal: Signal;
  readonly value: number;
  readonly limit: number;
  /** Whether the value must be above or below the limit for the finding to hold. */
  readonly comparison: '>' | '<';
  readonly holds: boolean;
}

const labels: Readonly<Record<Signal, string>> = {
  cpu: 'CPU',
  memory: 'free memory',
  connections: 'connections',
};

function valueOf(utilisation: Utilisation, signal: Signal): number | undefined {
  if (signal === 'cpu') return utilisation.cpuPercent;
  if (signal === 'memory') return utilisation.freeMemoryPercent;
  return utilisation.connectionsPercent;
}

function limitOf(thresholds: Thresholds, signal: Signal): number {
  if (signal === 'cpu') return thresholds.cpuPercent;
  if (signal === 'memory') return thresholds.freeMemoryPercent;
  return thresholds.connectionsPercent;
}

function compare(
  utilisation: Utilisation,
  thresholds: Thresholds,
  signal: Signal,
  comparison: '>' | '<',
): Finding | undefined {
  const value = valueOf(utilisation, signal);
  if (value === undefined) return undefined;
  const limit = limitOf(thresholds, signal);
  const holds = comparison === '>' ? value > limit : value < limit;
  return { signal, value, limit, comparison, holds };
}

/** scaleUpFindings compares every known figure with the scale-up thresholds; any holding one is a trigger. */
export function scaleUpFindings(utilisation: Utilisation, up: Thresholds): Finding[] {
  return [
    compare(utilisation, up, 'cpu', '>'),
    compare(utilisation, up, 'memory', '<'),
    compare(utilisation, up, 'connections', '>'),
  ].filter((f) => f !== undefined);
}

/** ScaleDownCheck says whether every scale-down condition holds, and which figure is unknown. */
export interface ScaleDownCheck {
  readonly holds: boolean;
  readonly findings: readonly Finding[];
  readonly unknown: readonly Signal[];
}

/** scaleDownCheck holds only when all three figures are known and each is on the quiet side. */
export function scaleDownCheck(utilisation: Utilisation, down: Thresholds): ScaleDownCheck {
  const candidates = [
    ['cpu', compare(utilisation, down, 'cpu', '<')],
    ['memory', compare(utilisation, down, 'memory', '>')],
    ['connections', compare(utilisation, down, 'connections', '<')],
  ] as const;
  const findings = candidates.map(([, f]) => f).filter((f) => f !== undefined);
  const unknown = candidates.filter(([, f]) => f === undefined).map(([signal]) => signal);
  return { holds: unknown.length === 0 && findings.every((f) => f.holds), findings, unknown };
}

function formatPercent(value: number): string {
  return `${Number(value.toFixed(1))}%`;
}

/** describeFinding writes a finding as a reader expects it: `CPU 96.2% > 85%`. */
export function describeFinding(finding: Finding): string {
  const comparison = finding.holds ? finding.comparison : finding.comparison === '>' ? '<=' : '>=';
  return `${labels[finding.signal]} ${formatPercent(finding.value)} ${comparison} ${formatPercent(finding.limit)}`;
}

/** describeUtilisation lists the known figures: `CPU 2.6%, free memory 17.5%, connections 0%`. */
export function describeUtilisation(utilisation: Utilisation): string {
  const parts = (['cpu', 'memory', 'connections'] as const).flatMap((signal) => {
    const value = valueOf(utilisation, signal);
    return value === undefined ? [] : [`${labels[signal]} ${formatPercent(value)}`];
  });
  return parts.join(', ');
}
