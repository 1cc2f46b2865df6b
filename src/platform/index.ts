export { startPlatform, PLATFORM_VERSION, type RunningPlatform, type PlatformPorts, type StartOptions } from './platform.js';
