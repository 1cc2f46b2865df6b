/**
 * MQTT topic names of the Azure IoT Hub device protocol (api-version 2021-04-12) and of the Device
 * Provisioning Service (api-version 2019-03-31), and their parsers. Only the device side.
 */
export const IOTHUB_API_VERSION = '2021-04-12';
export const DPS_API_VERSION = '2019-03-31';

/** `a=1&b=2`, keys and values url-encoded (IoT Hub "property bag"). */
export function encodePropertyBag(props: Readonly<Record<string, string>>): string {
  return Object.entries(props).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

export const iothubTopics = {
  username: (hostName: string, deviceId: string, modelId?: string) =>
    `${hostName}/${deviceId}/?api-version=${IOTHUB_API_VERSION}${modelId ? `&model-id=${encodeURIComponent(modelId)}` : ''}`,
  /** Device-to-cloud telemetry with system and application properties in the property bag. */
  telemetry: (deviceId: string, props: Readonly<Record<string, string>> = {}) => `devices/${deviceId}/messages/events/${encodePropertyBag(props)}`,
  c2dFilter: (deviceId: string) => `devices/${deviceId}/messages/devicebound/#`,
  methodsFilter: '$iothub/methods/POST/#',
  methodResponse: (status: number, rid: string) => `$iothub/methods/res/${status}/?$rid=${rid}`,
  twinResponseFilter: '$iothub/twin/res/#',
  twinDesiredFilter: '$iothub/twin/PATCH/properties/desired/#',
  twinGet: (rid: string) => `$iothub/twin/GET/?$rid=${rid}`,
  twinPatchReported: (rid: string) => `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`,
};

export const dpsTopics = {
  username: (idScope: string, registrationId: string) => `${idScope}/registrations/${registrationId}/api-version=${DPS_API_VERSION}`,
  responseFilter: '$dps/registrations/res/#',
  register: (rid: string) => `$dps/registrations/PUT/iotdps-register/?$rid=${rid}`,
  operationStatus: (rid: string, operationId: string) =>
    `$dps/registrations/GET/iotdps-get-operationstatus/?$rid=${rid}&operationId=${encodeURIComponent(operationId)}`,
};

/** Splits `path/?a=1&b=2` into the path segments before `?` and the query parameters. */
function splitTopic(topic: string): { segments: string[]; params: URLSearchParams } {
  const q = topic.indexOf('?');
  const path = q < 0 ? topic : topic.slice(0, q);
  return { segments: path.split('/').filter((s) => s !== ''), params: new URLSearchParams(q < 0 ? '' : topic.slice(q + 1)) };
}

/** `$iothub/methods/POST/{name}/?$rid={rid}` */
export function parseMethodRequest(topic: string): { name: string; rid: string } | undefined {
  const { segments, params } = splitTopic(topic);
  if (segments[0] !== '$iothub' || segments[1] !== 'methods' || segments[2] !== 'POST' || !segments[3]) return undefined;
  const rid = params.get('$rid');
  return rid === null ? undefined : { name: decodeURIComponent(segments[3]), rid };
}

/** `$iothub/twin/res/{status}/?$rid={rid}[&$version={v}]` */
export function parseTwinResponse(topic: string): { status: number; rid: string; version?: number } | undefined {
  const { segments, params } = splitTopic(topic);
  if (segments[0] !== '$iothub' || segments[1] !== 'twin' || segments[2] !== 'res') return undefined;
  const rid = params.get('$rid');
  const status = Number(segments[3]);
  if (rid === null || !Number.isInteger(status)) return undefined;
  const v = params.get('$version');
  return v === null ? { status, rid } : { status, rid, version: Number(v) };
}

/** `$iothub/twin/PATCH/properties/desired/?$version={v}` */
export function parseDesiredPatch(topic: string): { version?: number } | undefined {
  const { segments, params } = splitTopic(topic);
  if (segments.join('/') !== '$iothub/twin/PATCH/properties/desired') return undefined;
  const v = params.get('$version');
  return v === null ? {} : { version: Number(v) };
}

/** `$dps/registrations/res/{status}/?$rid={rid}[&retry-after={s}]` */
export function parseDpsResponse(topic: string): { status: number; rid: string; retryAfterS?: number } | undefined {
  const { segments, params } = splitTopic(topic);
  if (segments.slice(0, 3).join('/') !== '$dps/registrations/res') return undefined;
  const status = Number(segments[3]);
  const rid = params.get('$rid');
  if (rid === null || !Number.isInteger(status)) return undefined;
  const ra = params.get('retry-after');
  return ra === null ? { status, rid } : { status, rid, retryAfterS: Number(ra) };
}

/** Generic MQTT topic from a template with `{line}`, `{machine}` and `{deviceId}` placeholders. */
export function genericTopic(template: string, deviceId: string, lineId: string): string {
  const machine = deviceId.startsWith(`${lineId}-`) ? deviceId.slice(lineId.length + 1) : deviceId;
  return template.replaceAll('{line}', lineId).replaceAll('{machine}', machine).replaceAll('{deviceId}', deviceId);
}
