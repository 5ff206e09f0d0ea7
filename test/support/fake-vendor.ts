import type { ErrorKind } from '@shared/errors';
import type { OperationId, VendorId } from '@shared/catalog';
import type { Download } from '@shared/downloads';
import type { VendorClients } from '@main/core/jobs/engine';
import type { DownloadRequest, Downloader } from '@main/core/downloads/types';
import { VendorError, type Delivery, type SubmitRequest, type Submission, type TaskStatus, type VendorClient } from '@main/core/vendors/types';
import type { FakeClock } from './fake-clock';

interface Task {
  operation: OperationId;
  start: number;
  duration: number;
  outputs: number;
  fail: boolean;
}

export function vendorError(kind: ErrorKind, delivery: Delivery, message = `fake ${kind}`): VendorError {
  return new VendorError(kind, message, { delivery });
}

/**
 * An in-memory vendor on a fake clock: tasks finish `duration` ms after submission, progress is linear.
 * It counts what a real vendor would (submissions, requests, concurrency) so tests can check the engine.
 */
export class FakeVendor implements VendorClient {
  readonly submits: SubmitRequest[] = [];
  readonly queries: { operation: OperationId; taskIds: string[] }[] = [];
  readonly tasks = new Map<string, Task>();
  /** Throw this from the next submit (consumed once) or every submit while `failSubmits` holds. */
  nextSubmitError: VendorError | null = null;
  submitError: VendorError | null = null;
  queryError: VendorError | null = null;
  /** Submit answers only when this resolves (to simulate a request in flight). */
  submitGate: Promise<void> | null = null;
  queryGate: Promise<void> | null = null;
  duration = 20_000;
  failTasks = false;
  inFlightQueries = new Map<string, number>();
  maxQueriesInFlightPerTask = 0;
  maxRunning = 0;

  constructor(
    readonly vendor: VendorId,
    /** The vendor's own time; a test moves it to another clock to play a restart. */
    public clock: FakeClock,
  ) {}

  running(): number {
    const now = this.clock.now();
    return [...this.tasks.values()].filter((t) => now < t.start + t.duration).length;
  }

  async submit(request: SubmitRequest): Promise<Submission> {
    if (this.submitGate) await this.submitGate;
    const error = this.nextSubmitError ?? this.submitError;
    this.nextSubmitError = null;
    if (error) throw error;
    this.submits.push(request);
    const taskId = `${this.vendor}-task-${this.submits.length}`;
    const count = request.operation === 'hidream.txt2img' && typeof request.params['img_count'] === 'number' ? request.params['img_count'] : 1;
    this.tasks.set(taskId, { operation: request.operation, start: this.clock.now(), duration: this.duration, outputs: count, fail: this.failTasks });
    this.maxRunning = Math.max(this.maxRunning, this.running());
    return { taskId, subTaskIds: this.vendor === 'hidream' ? Array.from({ length: count }, (_, i) => `${taskId}-sub-${i}`) : [] };
  }

  async query(operation: OperationId, taskIds: string[]): Promise<TaskStatus[]> {
    this.queries.push({ operation, taskIds });
    for (const id of taskIds) {
      const n = (this.inFlightQueries.get(id) ?? 0) + 1;
      this.inFlightQueries.set(id, n);
      this.maxQueriesInFlightPerTask = Math.max(this.maxQueriesInFlightPerTask, n);
    }
    try {
      if (this.queryGate) await this.queryGate;
      if (this.queryError) throw this.queryError;
      const now = this.clock.now();
      return taskIds.flatMap((taskId) => {
        const task = this.tasks.get(taskId);
        if (!task) return [];
        const progress = Math.min(1, (now - task.start) / task.duration);
        const done = progress >= 1;
        return [
          {
            taskId,
            outputs: Array.from({ length: task.outputs }, (_, i) => ({
              subTaskId: this.vendor === 'hidream' ? `${taskId}-sub-${i}` : null,
              state: done ? (task.fail ? ('failed' as const) : ('succeeded' as const)) : ('running' as const),
              progress,
              kind: task.operation === 'hidream.txt2img' ? ('image' as const) : ('video' as const),
              url: done && !task.fail ? `https://cdn.example/${taskId}/${i}.mp4` : null,
              expiresAt: null,
              error: done && task.fail ? { kind: 'moderation' as const, message: 'rejected by moderation' } : null,
            })),
          },
        ];
      });
    } finally {
      for (const id of taskIds) this.inFlightQueries.set(id, (this.inFlightQueries.get(id) ?? 1) - 1);
    }
  }

  async checkConnection(): Promise<void> {}
  async close(): Promise<void> {}
}

export function fakeClients(vendors: Record<VendorId, FakeVendor>): VendorClients & { changed(vendor: VendorId): void } {
  const listeners = new Set<(vendor: VendorId) => void>();
  return {
    client: (vendor) => Promise.resolve(vendors[vendor]),
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed: (vendor) => {
      for (const listener of listeners) listener(vendor);
    },
  };
}

/** Records hand-overs; every download completes at once. */
export class FakeDownloader implements Downloader {
  readonly requests: DownloadRequest[] = [];
  private readonly records = new Map<string, Download>();

  enqueue(request: DownloadRequest): Download {
    const id = `dl-${this.requests.length + 1}`;
    this.requests.push(request);
    const download: Download = {
      id,
      outputId: request.outputId ?? null,
      jobId: request.jobId ?? null,
      url: request.url,
      status: 'completed',
      path: `${request.destDir}/${id}.mp4`,
      bytesTotal: 3,
      bytesDone: 3,
      sha256: 'abc',
      contentType: 'video/mp4',
      expiresAt: null,
      error: null,
      createdAt: 0,
      updatedAt: 0,
      finishedAt: 0,
    };
    this.records.set(id, download);
    return download;
  }

  whenSettled(id: string): Promise<Download> {
    const record = this.records.get(id);
    return record ? Promise.resolve(record) : Promise.reject(new Error(`unknown download ${id}`));
  }

  onCompleted(): () => void {
    return () => {};
  }

  resume(): void {}

  async close(): Promise<void> {}
}
