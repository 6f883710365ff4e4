/** Reading counters off a server's /metrics, to count what it decided during a run. */

/** Sample is one line of the Prometheus text format: a series and its value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** parseSamples reads every sample of a Prometheus text exposition; comments are skipped. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null || line.startsWith('#')) continue;
    const [, name = '', labelText = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, key = '', raw = ''] of labelText.matchAll(LABEL)) {
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/** countBy sums the samples of one metric by the value of one label. */
export function countBy(
  samples: readonly Sample[],
  name: string,
  label: string,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name !== name || sample.value === 0) continue;
    const key = sample.labels[label] ?? '';
    counts[key] = (counts[key] ?? 0) + sample.value;
  }
  return counts;
}

/** scrape fetches the text at http://address/metrics. */
export async function scrape(address: string): Promise<Sample[]> {
  const response = await fetch(`http://${address}/metrics`);
  if (!response.ok) throw new Error(`cannot scrape ${address}: HTTP ${response.status}`);
  return parseSamples(await response.text());
}
