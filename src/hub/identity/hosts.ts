/**
 * Host names a SAS token's resource URI may start with. The device SDKs sign
 * `{HostName}/devices/{id}` with the HostName from their connection string, which is the name the
 * device dialled: the configured public host name, or an address such as `127.0.0.1:8883`. So the
 * hub accepts its configured names plus the address and TLS server name of the connection itself.
 */
export function hostAliases(configured: readonly string[], local?: { address?: string | undefined; port?: number | undefined; servername?: string | false | null | undefined }): Set<string> {
  const out = new Set<string>();
  for (const h of configured) out.add(h.toLowerCase());
  const add = (host: string) => {
    const h = host.toLowerCase();
    out.add(h);
    if (local?.port) out.add(`${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${local.port}`);
  };
  if (local?.address) {
    const a = local.address.startsWith('::ffff:') ? local.address.slice(7) : local.address;
    add(a);
    if (a === '127.0.0.1' || a === '::1') add('localhost');
  }
  if (local?.servername) add(local.servername);
  return out;
}

/** `host[:port]/devices/{id}` → the host part and device id, or undefined for other shapes. */
export function splitDeviceResource(resource: string): { host: string; deviceId: string; moduleId?: string } | undefined {
  const marker = resource.indexOf('/devices/');
  if (marker <= 0) return undefined;
  const host = resource.slice(0, marker);
  const rest = resource.slice(marker + 9).replace(/\/$/, '');
  const parts = rest.split('/');
  if (parts.length === 1 && parts[0]) return { host, deviceId: parts[0] };
  if (parts.length === 3 && parts[1] === 'modules' && parts[0] && parts[2]) return { host, deviceId: parts[0], moduleId: parts[2] };
  return undefined;
}
