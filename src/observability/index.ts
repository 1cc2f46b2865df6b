export { createLogger, silentLogger, type Logger, type LoggerConfig } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
