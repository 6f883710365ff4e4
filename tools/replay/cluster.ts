/**
 * The simulated cluster of one replay: the XSQLInstance as `kubectl get -o yaml` shows it, and its
 * composed RDS Instance. A patch is applied as server-side apply would apply the function's
 * minimal intent; a new class reaches the Instance's spec at once and its status (what RDS
 * reports) only after the modification delay, as an RDS resize takes minutes.
 */
import type { ResourceSelector } from '@crossplane-org/function-sdk-typescript';

import type { Engine } from '../../src/scaling/instance-classes.js';
import { addSeconds, formatRfc3339 } from '../../src/time.js';
import { XR_API_VERSION, XR_KIND } from './prompt-input.js';

/** Json is a Kubernetes object as plain JSON. */
export type Json = Record<string, unknown>;

/** DATABASE_NAME is the XSQLInstance's name: the demo's, so the resource is the size it has there. */
export const DATABASE_NAME = 'rds-metrics-database-ai-scale';

/** NAMESPACE is where the XSQLInstance and its Instance live. */
export const NAMESPACE = 'default';

/** REGION is the database's region, in its spec and its metrics. */
export const REGION = 'us-west-2';

const INSTANCE_API_VERSION = 'rds.aws.m.upbound.io/v1beta1';
const INSTANCE_NAME = `${DATABASE_NAME}-7xq2k`;

const ENGINE_VERSIONS: Readonly<Record<Engine, string>> = {
  mariadb: '10.11',
  mysql: '8.0',
  postgres: '16.4',
};

/** ClusterOptions describe the database a cluster starts with. */
export interface ClusterOptions {
  readonly engine: Engine;
  readonly startClass: string;
  readonly storageGB: number;
  /** When the replay starts; the resource was created a day before. */
  readonly start: Date;
  /** How long RDS takes to apply a new class, in seconds. */
  readonly applyDelaySeconds: number;
}

/** Patch is what one run asked to change on the XSQLInstance. */
export interface Patch {
  readonly annotations: Readonly<Record<string, string>>;
  readonly instanceClass?: string;
}

/** isJson tells a JSON object from any other value. */
export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(obj: Json, key: string): Json {
  const value = obj[key];
  if (isJson(value)) return value;
  const created: Json = {};
  obj[key] = created;
  return created;
}

/** readPatch reads the minimal intent a desired resource carries: annotations and the class. */
export function readPatch(resource: Json): Patch {
  const metadata = resource['metadata'];
  const raw = isJson(metadata) ? metadata['annotations'] : undefined;
  const annotations = Object.fromEntries(
    Object.entries(isJson(raw) ? raw : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  const spec = resource['spec'];
  const parameters = isJson(spec) ? spec['parameters'] : undefined;
  const cls = isJson(parameters) ? parameters['instanceClass'] : undefined;
  return { annotations, ...(typeof cls === 'string' && { instanceClass: cls }) };
}

/** Cluster holds one replay's objects and the RDS modification in progress. */
export class Cluster {
  readonly xr: Json;
  readonly instance: Json;
  private readonly applyDelaySeconds: number;
  private readonly reported: { from: Date; instanceClass: string }[];
  private pending: { at: Date; instanceClass: string } | undefined;
  private version = 482_113;

  constructor(options: ClusterOptions) {
    this.applyDelaySeconds = options.applyDelaySeconds;
    this.reported = [{ from: new Date(0), instanceClass: options.startClass }];
    this.xr = newXr(options);
    this.instance = newInstance(options);
  }

  /** requestedClass is the class the XSQLInstance's spec asks for. */
  get requestedClass(): string {
    const cls = child(child(this.xr, 'spec'), 'parameters')['instanceClass'];
    return typeof cls === 'string' ? cls : '';
  }

  /** advance completes the RDS modification whose time has come. */
  advance(now: Date): void {
    if (this.pending === undefined || this.pending.at > now) return;
    const { at, instanceClass } = this.pending;
    this.pending = undefined;
    this.reported.push({ from: at, instanceClass });
    child(child(this.instance, 'status'), 'atProvider')['instanceClass'] = instanceClass;
  }

  /** reportedClassAt is the class RDS ran on at an instant. */
  reportedClassAt(at: Date): string {
    const entry = this.reported.findLast((r) => r.from <= at) ?? this.reported[0];
    return entry?.instanceClass ?? '';
  }

  /** setMetrics writes status.performanceMetrics, as the metrics step does before each run. */
  setMetrics(performanceMetrics: Json): void {
    child(this.xr, 'status')['performanceMetrics'] = performanceMetrics;
  }

  /** apply applies a patch to the XSQLInstance; a new class starts an RDS modification. */
  apply(patch: Patch, now: Date): void {
    const metadata = child(this.xr, 'metadata');
    Object.assign(child(metadata, 'annotations'), patch.annotations);
    this.version += 1;
    metadata['resourceVersion'] = String(this.version);
    const cls = patch.instanceClass;
    if (cls === undefined || cls === this.requestedClass) return;
    child(child(this.xr, 'spec'), 'parameters')['instanceClass'] = cls;
    metadata['generation'] = Number(metadata['generation'] ?? 1) + 1;
    // The composition carries the class to the Instance at once; RDS takes its time.
    child(child(this.instance, 'spec'), 'forProvider')['instanceClass'] = cls;
    this.pending = { at: addSeconds(now, this.applyDelaySeconds), instanceClass: cls };
  }

  /** select finds the objects a requirement's selector matches, as Crossplane would. */
  select(selector: ResourceSelector): Json[] {
    return [this.xr, this.instance].filter((obj) => matches(obj, selector));
  }
}

function matches(obj: Json, selector: ResourceSelector): boolean {
  const metadata = child(obj, 'metadata');
  if (obj['apiVersion'] !== selector.apiVersion || obj['kind'] !== selector.kind) return false;
  if (selector.namespace !== undefined && metadata['namespace'] !== selector.namespace) {
    return false;
  }
  if (selector.matchName !== undefined) return metadata['name'] === selector.matchName;
  const labels = child(metadata, 'labels');
  const wanted = Object.entries(selector.matchLabels?.labels ?? {});
  return wanted.every(([key, value]) => labels[key] === value);
}

function newXr(options: ClusterOptions): Json {
  const parameters = {
    autoGeneratePassword: true,
    engine: options.engine,
    engineVersion: ENGINE_VERSIONS[options.engine],
    instanceClass: options.startClass,
    networkRef: { id: DATABASE_NAME },
    passwordSecretRef: { key: 'password', name: `${options.engine}secret`, namespace: NAMESPACE },
    providerConfigName: 'default',
    publiclyAccessible: false,
    region: REGION,
    storageGB: options.storageGB,
  };
  const created = formatRfc3339(addSeconds(options.start, -86_400));
  // What `kubectl apply` leaves behind, and what the demo's model reads along with the rest.
  const applied = {
    apiVersion: XR_API_VERSION,
    kind: XR_KIND,
    metadata: {
      annotations: {},
      labels: { scale: 'me' },
      name: DATABASE_NAME,
      namespace: NAMESPACE,
    },
    spec: {
      crossplane: { compositionSelector: { matchLabels: { type: 'rds-metrics' } } },
      parameters,
    },
  };
  return {
    apiVersion: XR_API_VERSION,
    kind: XR_KIND,
    metadata: {
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n`,
      },
      creationTimestamp: created,
      finalizers: ['composite.apiextensions.crossplane.io'],
      generation: 1,
      labels: { scale: 'me' },
      name: DATABASE_NAME,
      namespace: NAMESPACE,
      resourceVersion: '482113',
      uid: '5a3c2f9e-8d0b-4c1e-9f6a-2b7d4e1c8a90',
    },
    spec: {
      crossplane: {
        compositionRef: { name: 'xsqlinstances-rds-metrics.aws.platform.upbound.io' },
        compositionRevisionRef: {
          name: 'xsqlinstances-rds-metrics.aws.platform.upbound.io-3f1c2a7',
        },
        compositionSelector: { matchLabels: { type: 'rds-metrics' } },
        compositionUpdatePolicy: 'Automatic',
        resourceRefs: [{ apiVersion: INSTANCE_API_VERSION, kind: 'Instance', name: INSTANCE_NAME }],
      },
      parameters,
    },
    status: {
      conditions: [
        {
          lastTransitionTime: created,
          reason: 'ReconcileSuccess',
          status: 'True',
          type: 'Synced',
        },
        { lastTransitionTime: created, reason: 'Available', status: 'True', type: 'Ready' },
      ],
    },
  };
}

function newInstance(options: ClusterOptions): Json {
  return {
    apiVersion: INSTANCE_API_VERSION,
    kind: 'Instance',
    metadata: {
      name: INSTANCE_NAME,
      namespace: NAMESPACE,
      labels: { 'crossplane.io/composite': DATABASE_NAME },
      annotations: { 'crossplane.io/composition-resource-name': 'rds-instance' },
    },
    spec: {
      forProvider: {
        region: REGION,
        engine: options.engine,
        engineVersion: ENGINE_VERSIONS[options.engine],
        allocatedStorage: options.storageGB,
        instanceClass: options.startClass,
      },
    },
    status: {
      atProvider: { instanceClass: options.startClass, status: 'available' },
    },
  };
}
