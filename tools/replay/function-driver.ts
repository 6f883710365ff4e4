/**
 * The function as a CronOperation runs it, in process: the same RunFunction that serves gRPC,
 * with the replay's clock. Each run sends the XSQLInstance as the step's required resource; when
 * the response asks for the RDS Instance, the run calls again with it resolved, as Crossplane
 * does, until the requirements stop changing. Model calls and decisions are read off a Telemetry.
 */
import { isDeepStrictEqual } from 'node:util';

import { Capability, RunFunctionRequest, Severity } from '@crossplane-org/function-sdk-typescript';
import type {
  ResourceSelector,
  RunFunctionResponse,
} from '@crossplane-org/function-sdk-typescript';
import { pino } from 'pino';
import type { Logger } from 'pino';

import { newRunFunction } from '../../src/function/run-function.js';
import type { AdvisorFactory } from '../../src/function/run-function.js';
import type { Decision } from '../../src/scaling/decide.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { DATABASE_NAME, isJson, readPatch } from './cluster.js';
import type { Cluster, Json, Patch } from './cluster.js';
import type { DecisionRecord, Driver, ModelCall, ResultRecord, RunOutcome } from './driver.js';
import { XR_KIND } from './prompt-input.js';

/** REQUIREMENT_NAME is the CronOperation step's own requirement: its targets. */
export const REQUIREMENT_NAME = 'xsqlinstances';

/** MAX_REQUIREMENTS_ITERATIONS is Crossplane's cap on calling a step again for its requirements. */
export const MAX_REQUIREMENTS_ITERATIONS = 5;

const CAPABILITIES = [
  Capability.CAPABILITY_CAPABILITIES,
  Capability.CAPABILITY_REQUIRED_RESOURCES,
  Capability.CAPABILITY_CREDENTIALS,
  Capability.CAPABILITY_REQUIRED_SCHEMAS,
];

/** FunctionDriverOptions say how the function is built for a replay. */
export interface FunctionDriverOptions {
  /** The step's `input:` block. */
  readonly input: Json;
  /** The advisor for each request; unset means the built-in rules alone. */
  readonly advisorFor?: (telemetry: Telemetry, logger: Logger) => AdvisorFactory;
  /** Default: silent. */
  readonly logger?: Logger;
}

/** Recorder is the Telemetry a replay passes to the function: it keeps one run's events. */
class Recorder implements Telemetry {
  modelCalls: ModelCall[] = [];
  decisions: Decision[] = [];

  runFunction(): void {
    // Every run is counted by the replay itself.
  }

  decision(decision: Decision): void {
    this.decisions.push(decision);
  }

  modelRequest(
    _model: string,
    outcome: string,
    _durationMs: number,
    usage?: ModelCall['usage'],
  ): void {
    this.modelCalls.push({ outcome, ...(usage !== undefined && { usage }) });
  }

  modelCallsInFlight(): void {
    // Calls never overlap in a replay of one database.
  }

  take(): { modelCalls: ModelCall[]; decisions: Decision[] } {
    const taken = { modelCalls: this.modelCalls, decisions: this.decisions };
    this.modelCalls = [];
    this.decisions = [];
    return taken;
  }
}

function request(input: Json, xr: Json, resolved: Record<string, Json[]>): RunFunctionRequest {
  const required: Record<string, Json[]> = { [REQUIREMENT_NAME]: [xr], ...resolved };
  return RunFunctionRequest.fromPartial({
    meta: { tag: '', capabilities: CAPABILITIES },
    input,
    requiredResources: Object.fromEntries(
      Object.entries(required).map(([name, items]) => [
        name,
        { items: items.map((resource) => ({ resource: structuredClone(resource) })) },
      ]),
    ),
  });
}

function resolve(cluster: Cluster, selectors: Record<string, ResourceSelector>) {
  return Object.fromEntries(
    Object.entries(selectors).map(([name, selector]) => [name, cluster.select(selector)]),
  );
}

const SEVERITIES: Partial<Record<Severity, ResultRecord['severity']>> = {
  [Severity.SEVERITY_FATAL]: 'FATAL',
  [Severity.SEVERITY_WARNING]: 'WARNING',
  [Severity.SEVERITY_NORMAL]: 'NORMAL',
};

function resultsOf(rsp: RunFunctionResponse): ResultRecord[] {
  return rsp.results.map((r) => ({
    severity: SEVERITIES[r.severity] ?? 'NORMAL',
    reason: r.reason ?? '',
    message: r.message,
  }));
}

function record(decision: Decision): DecisionRecord {
  return {
    analyzed: decision.analyzed,
    ...(decision.skipReason !== undefined && { skipReason: decision.skipReason }),
    ...(decision.blockedByCooldown === true && { blockedByCooldown: true }),
    verdict: decision.verdict,
    fromClass: decision.fromClass,
    toClass: decision.toClass,
    reasoning: decision.reasoning,
    decidedBy: decision.decidedBy,
  };
}

/** patchFor finds the response's desired XSQLInstance: the run's patch. */
function patchFor(rsp: RunFunctionResponse): Patch | undefined {
  const desired = Object.values(rsp.desired?.resources ?? {}).find((r) => {
    const body: Json = r.resource ?? {};
    const metadata = body['metadata'];
    return body['kind'] === XR_KIND && isJson(metadata) && metadata['name'] === DATABASE_NAME;
  });
  return desired?.resource === undefined ? undefined : readPatch(desired.resource);
}

/** newFunctionDriver builds the function once for a replay and runs it each minute. */
export function newFunctionDriver(options: FunctionDriverOptions): Driver {
  const logger = options.logger ?? pino({ level: 'silent' });
  const telemetry = new Recorder();
  let now = new Date(0);
  const runFunction = newRunFunction({
    logger,
    clock: { now: () => now },
    telemetry,
    ...(options.advisorFor !== undefined && { advisorFor: options.advisorFor(telemetry, logger) }),
  });
  return {
    run: async (cluster, at): Promise<RunOutcome> => {
      now = at;
      let resolved: Record<string, Json[]> = {};
      let asked: Record<string, ResourceSelector> | undefined;
      let rsp = await runFunction(request(options.input, cluster.xr, resolved));
      let functionCalls = 1;
      for (let i = 0; i < MAX_REQUIREMENTS_ITERATIONS; i++) {
        const wanted = rsp.requirements?.resources ?? {};
        if (Object.keys(wanted).length === 0 || isDeepStrictEqual(wanted, asked)) break;
        asked = wanted;
        resolved = resolve(cluster, wanted);
        rsp = await runFunction(request(options.input, cluster.xr, resolved));
        functionCalls += 1;
      }
      const { modelCalls, decisions } = telemetry.take();
      const results = resultsOf(rsp);
      const fatal = results.some((r) => r.severity === 'FATAL');
      const patch = fatal ? undefined : patchFor(rsp);
      const last = decisions.at(-1);
      return {
        ...(patch !== undefined && { patch }),
        ...(last !== undefined && { decision: record(last) }),
        modelCalls,
        results,
        functionCalls,
      };
    },
  };
}
