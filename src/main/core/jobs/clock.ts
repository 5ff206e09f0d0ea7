// The clock moved to the platform layer (it serves jobs and downloads alike); kept for existing imports.
export { jitter, systemClock, type Clock } from '@main/platform/clock';
