/**
 * A chart of one replay, as a small hand-written SVG: CPU and free memory (as the class RDS was
 * running reports them) against the thresholds, and below it the class over time for the
 * function and for the demo's naive policy, with each resize decision marked.
 */
import { instanceClass } from '../../src/scaling/instance-classes.js';
import type { Engine } from '../../src/scaling/instance-classes.js';
import { ladderPosition } from '../../src/scaling/ladder.js';
import type { Policy } from '../../src/scaling/policy.js';
import { utilisationOn } from './metrics.js';
import type { Minute } from './replay.js';

/** ChartInput is what one chart shows. */
export interface ChartInput {
  readonly trace: string;
  readonly engine: Engine;
  readonly policy: Policy;
  readonly ours: { readonly label: string; readonly minutes: readonly Minute[] };
  readonly naive: { readonly label: string; readonly minutes: readonly Minute[] };
}

const WIDTH = 960;
const HEIGHT = 470;
const LEFT = 120;
const RIGHT = 110;
const TOP_PANEL = { top: 60, height: 200 };
const CLASS_PANEL = { top: 310, height: 120 };
const COLORS = { cpu: '#1f77b4', memory: '#2ca02c', ours: '#222222', naive: '#e6550d' };
const TICK_STEPS_MINUTES = [15, 30, 60, 120, 180, 360, 720];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

interface Scale {
  x(index: number): number;
}

function xScale(count: number): Scale {
  const span = Math.max(1, count - 1);
  return { x: (index) => LEFT + ((WIDTH - LEFT - RIGHT) * index) / span };
}

function percentY(percent: number): number {
  return TOP_PANEL.top + TOP_PANEL.height * (1 - Math.min(100, Math.max(0, percent)) / 100);
}

function path(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${round(x)},${round(y)}`).join('');
}

function series(input: ChartInput, scale: Scale, pick: 'cpu' | 'memory'): string {
  const points = input.ours.minutes.flatMap((m, i): [number, number][] => {
    const cls = instanceClass(m.runningClass);
    if (cls === undefined) return [];
    const u = utilisationOn(m.demand, cls, input.engine);
    const value = pick === 'cpu' ? u.cpuPercent : u.freeMemoryPercent;
    return value === undefined ? [] : [[scale.x(i), percentY(value)]];
  });
  return `<path d="${path(points)}" fill="none" stroke="${COLORS[pick]}" stroke-width="1"/>`;
}

function threshold(value: number, color: string, dash: string, label: string): string {
  const y = round(percentY(value));
  return [
    `<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="${color}" stroke-dasharray="${dash}" stroke-width="1"/>`,
    `<text x="${WIDTH - RIGHT + 4}" y="${round(percentY(value) + 4)}" fill="${color}">${escape(label)}</text>`,
  ].join('\n');
}

function classLevels(policy: Policy): { names: string[]; y: (name: string) => number } {
  const low = Math.max(0, ladderPosition(policy, policy.minInstanceClass));
  const high = ladderPosition(policy, policy.maxInstanceClass);
  const names = policy.ladder.slice(low, high + 1);
  const step = CLASS_PANEL.height / Math.max(1, names.length - 1);
  return {
    names,
    y: (name) => {
      const index = Math.max(0, names.indexOf(name));
      return CLASS_PANEL.top + CLASS_PANEL.height - index * step;
    },
  };
}

function classLine(
  minutes: readonly Minute[],
  scale: Scale,
  y: (name: string) => number,
  style: { color: string; dash: string; offset: number },
): string {
  const points: [number, number][] = [];
  for (const [i, m] of minutes.entries()) {
    const level = y(m.runningClass) + style.offset;
    const previous = points.at(-1);
    if (previous !== undefined && previous[1] !== level) points.push([scale.x(i), previous[1]]);
    points.push([scale.x(i), level]);
  }
  const marks = minutes.flatMap((m, i) => {
    if (m.resize === undefined) return [];
    const x = scale.x(i);
    const base = y(m.resize.from) + style.offset;
    const up = y(m.resize.to) < y(m.resize.from);
    const tip = up ? base - 7 : base + 7;
    return [
      `<path d="M${round(x - 4)},${round(base)}L${round(x + 4)},${round(base)}L${round(x)},${round(tip)}Z" fill="${style.color}"/>`,
    ];
  });
  return [
    `<path d="${path(points)}" fill="none" stroke="${style.color}" stroke-width="2" stroke-dasharray="${style.dash}"/>`,
    ...marks,
  ].join('\n');
}

function timeAxis(minutes: readonly Minute[], scale: Scale): string {
  const first = minutes[0];
  if (first === undefined) return '';
  const stepMinutes =
    (minutes[1]?.at.getTime() ?? first.at.getTime() + 60_000) - first.at.getTime();
  const perMinute = stepMinutes / 60_000;
  const total = minutes.length * perMinute;
  const tick = TICK_STEPS_MINUTES.find((t) => total / t <= 12) ?? 1440;
  const parts: string[] = [];
  for (let minute = 0; minute <= total; minute += tick) {
    const index = Math.min(minutes.length - 1, Math.round(minute / perMinute));
    const x = round(scale.x(index));
    const label = new Date(first.at.getTime() + minute * 60_000).toISOString().slice(11, 16);
    parts.push(
      `<line x1="${x}" y1="${TOP_PANEL.top}" x2="${x}" y2="${CLASS_PANEL.top + CLASS_PANEL.height}" stroke="#eeeeee"/>`,
      `<text x="${x}" y="${CLASS_PANEL.top + CLASS_PANEL.height + 18}" text-anchor="middle">${label}</text>`,
    );
  }
  return parts.join('\n');
}

function legend(input: ChartInput): string {
  const items: [string, string, string][] = [
    [COLORS.cpu, '', 'CPU %'],
    [COLORS.memory, '', 'free memory %'],
    [COLORS.ours, '', `class: ${input.ours.label}`],
    [COLORS.naive, '6 3', `class: ${input.naive.label}`],
  ];
  return items
    .map(([color, dash, label], i) => {
      const x = LEFT + i * 190;
      return [
        `<line x1="${x}" y1="44" x2="${x + 24}" y2="44" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/>`,
        `<text x="${x + 30}" y="48">${escape(label)}</text>`,
      ].join('\n');
    })
    .join('\n');
}

/** renderChart draws one replay as an SVG document. */
export function renderChart(input: ChartInput): string {
  const scale = xScale(input.ours.minutes.length);
  const levels = classLevels(input.policy);
  const { scaleUp, scaleDown } = input.policy;
  const title = `${input.trace}: demand on the class RDS runs, and the class over time`;
  const percentTicks = [0, 25, 50, 75, 100].map((p) => {
    const y = round(percentY(p));
    return `<text x="${LEFT - 8}" y="${round(percentY(p) + 4)}" text-anchor="end">${p}%</text><line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="#f4f4f4"/>`;
  });
  const classLabels = levels.names.map(
    (name) =>
      `<text x="${LEFT - 8}" y="${round(levels.y(name) + 4)}" text-anchor="end">${escape(name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="14">${escape(title)}</text>`,
    legend(input),
    timeAxis(input.ours.minutes, scale),
    ...percentTicks,
    threshold(scaleUp.cpuPercent, COLORS.cpu, '6 3', `CPU up ${scaleUp.cpuPercent}%`),
    threshold(scaleDown.cpuPercent, COLORS.cpu, '2 3', `CPU down ${scaleDown.cpuPercent}%`),
    threshold(
      scaleUp.freeMemoryPercent,
      COLORS.memory,
      '6 3',
      `mem up ${scaleUp.freeMemoryPercent}%`,
    ),
    threshold(
      scaleDown.freeMemoryPercent,
      COLORS.memory,
      '2 3',
      `mem down ${scaleDown.freeMemoryPercent}%`,
    ),
    series(input, scale, 'memory'),
    series(input, scale, 'cpu'),
    ...classLabels,
    classLine(input.naive.minutes, scale, levels.y, {
      color: COLORS.naive,
      dash: '6 3',
      offset: 3,
    }),
    classLine(input.ours.minutes, scale, levels.y, { color: COLORS.ours, dash: '', offset: 0 }),
    `<text x="${LEFT}" y="${HEIGHT - 8}" fill="#666666">Triangles mark resize decisions; a class takes effect when RDS finishes the modification.</text>`,
    '</svg>',
    '',
  ].join('\n');
}
