import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerConfig {
  readonly level?: string;
  /** Where JSON lines go; default stdout. Tests pass a stream to read the log back. */
  readonly destination?: NodeJS.WritableStream;
}

/** Structured JSON logs (one object per line) for every context; children add `context`. */
export function createLogger(config: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: 'twinworks' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets must never reach a log line, whichever context logs the object.
    redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  };
  return config.destination ? pino(options, config.destination as pino.DestinationStream) : pino(options);
}

/** A logger that discards everything (tests that do not read logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
