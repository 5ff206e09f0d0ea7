// Lease owners moved to the platform layer, beside the lease SQL; kept for existing imports.
export { isDeadOwner, ownerName } from '@main/platform/lease';
