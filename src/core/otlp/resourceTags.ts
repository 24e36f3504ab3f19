/**
 * Envelope tags that come from the OTLP resource (the Azure exporter's "part A"): cloud role from
 * service.namespace + service.name (Kubernetes names for unknown_service), role instance from
 * k8s pod, service.instance.id or host.name, application version, device, SDK version.
 * Plain Node: never import `vscode` here.
 */
import * as os from 'os';
import { attributesToRecord, Attributes, stringAttribute } from './attributes';
import type { Resource } from './otlpModel';

const K8S_ROLE_NAMES = [
  'k8s.deployment.name',
  'k8s.replicaset.name',
  'k8s.statefulset.name',
  'k8s.job.name',
  'k8s.cronjob.name',
  'k8s.daemonset.name',
];

export function resourceTags(resource: Resource | undefined): Record<string, string> {
  const attributes = attributesToRecord(resource?.attributes);
  const tags: Record<string, string> = {};
  const role = cloudRole(attributes);
  if (role) {
    tags['ai.cloud.role'] = role;
  }
  // The exporter falls back to its own host name; apps sending to this relay run on this machine.
  tags['ai.cloud.roleInstance'] = stringAttribute(attributes, 'k8s.pod.name', 'service.instance.id', 'host.name') ?? os.hostname();
  const version = stringAttribute(attributes, 'service.version');
  if (version) tags['ai.application.ver'] = version;
  const deviceId = stringAttribute(attributes, 'device.id');
  if (deviceId) tags['ai.device.id'] = deviceId;
  const deviceModel = stringAttribute(attributes, 'device.model.name');
  if (deviceModel) tags['ai.device.model'] = deviceModel;
  tags['ai.internal.sdkVersion'] = sdkVersion(attributes);
  return tags;
}

function cloudRole(attributes: Attributes): string | undefined {
  const name = stringAttribute(attributes, 'service.name');
  const namespace = stringAttribute(attributes, 'service.namespace');
  const qualified = name ? (namespace ? `${namespace}.${name}` : name) : undefined;
  if (qualified && !name!.startsWith('unknown_service')) {
    return qualified;
  }
  return stringAttribute(attributes, ...K8S_ROLE_NAMES) ?? qualified;
}

/** `otlp_<language>:otel<sdk version>`: says the item came in over OTLP, not through the Azure exporter. */
function sdkVersion(attributes: Attributes): string {
  const language = stringAttribute(attributes, 'telemetry.sdk.language') ?? 'unknown';
  const version = stringAttribute(attributes, 'telemetry.sdk.version');
  return `otlp_${language}${version ? `:otel${version}` : ''}`;
}
