/**
 * Shared access signatures as Azure IoT Hub and the Device Provisioning Service define them:
 *   SharedAccessSignature sr={url-encoded resource URI}&sig={signature}&se={expiry}[&skn={policy}]
 * where signature = url-encode(base64(HMAC-SHA256(base64-decoded key, url-encoded URI + "\n" + expiry)))
 * and expiry is in seconds since the epoch. DPS symmetric-key group enrollments give each device
 * the key base64(HMAC-SHA256(base64-decoded group key, registrationId)).
 */
import { createHmac } from 'node:crypto';

export function sasToken(resourceUri: string, keyBase64: string, expirySeconds: number, policyName?: string): string {
  const sr = encodeURIComponent(resourceUri);
  const se = Math.floor(expirySeconds);
  const signature = createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(`${sr}\n${se}`).digest('base64');
  const skn = policyName === undefined ? '' : `&skn=${encodeURIComponent(policyName)}`;
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(signature)}&se=${se}${skn}`;
}

/** The per-device key of a DPS symmetric-key enrollment group. */
export function deriveDeviceKey(groupKeyBase64: string, registrationId: string): string {
  return createHmac('sha256', Buffer.from(groupKeyBase64, 'base64')).update(registrationId).digest('base64');
}

/** IoT Hub device token: resource `{hostName}/devices/{deviceId}`, no policy name. */
export function deviceSasToken(hostName: string, deviceId: string, keyBase64: string, expirySeconds: number): string {
  return sasToken(`${hostName}/devices/${deviceId}`, keyBase64, expirySeconds);
}

/** DPS registration token: resource `{idScope}/registrations/{registrationId}`, policy `registration`. */
export function dpsSasToken(idScope: string, registrationId: string, keyBase64: string, expirySeconds: number): string {
  return sasToken(`${idScope}/registrations/${registrationId}`, keyBase64, expirySeconds, 'registration');
}
