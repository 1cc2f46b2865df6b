import { defineErrors } from './errors.js';

/** Errors of binding the platform's listening ports (HTTP, HTTPS, MQTT, MQTTS…). */
export const ListenErrors = defineErrors('listen', {
  port_in_use: { kind: 'unavailable', title: 'A port the platform needs is in use' },
  port_denied: { kind: 'unavailable', title: 'The process may not bind this port' },
});

/** Turns EADDRINUSE/EACCES into a message naming the flag and variable to change. */
export function describeListenError(err: unknown, what: string, port: number, flag: string, env: string): unknown {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return ListenErrors.create('port_in_use', `${what} port ${port} is already in use; choose another with ${flag} N (or ${env})`, { port, flag, env });
  }
  if (code === 'EACCES') {
    return ListenErrors.create('port_denied', `${what} port ${port} needs privileges this process lacks; choose a port above 1023 with ${flag} N`, { port, flag, env });
  }
  return err;
}
