import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {}

/** A base64 string value that was decoded and hashed as it arrived instead of being buffered. */
export interface StreamedValue {
  /** The value itself when it was short (a URL, say); null when only its digest was kept. */
  text: string | null;
  /** Length of the value as sent (base64 characters). */
  length: number;
  /** What the value decodes to as base64. */
  bytes: number;
  sha256: string;
  /** The first decoded bytes, for sniffing the file type. */
  head: Buffer;
}

const HEAD_BYTES = 64;

class Base64Digest {
  private readonly hash = createHash('sha256');
  private carry = '';
  private kept: Buffer[] = [];
  private keptLength = 0;
  length = 0;
  bytes = 0;
  head = Buffer.alloc(0);

  constructor(private readonly keepChars: number) {}

  write(raw: Buffer): void {
    this.length += raw.length;
    if (this.keptLength <= this.keepChars) {
      this.kept.push(Buffer.from(raw.subarray(0, this.keepChars + 1 - this.keptLength)));
      this.keptLength += raw.length;
    }
    let text = this.carry + raw.toString('latin1');
    // JSON may escape '/' as '\/'; base64 has no other character a JSON writer would escape.
    if (text.includes('\\')) text = text.replaceAll('\\', '');
    const usable = text.length - (text.length % 4);
    this.decode(text.slice(0, usable));
    this.carry = text.slice(usable);
  }

  private decode(text: string): void {
    if (!text) return;
    const bytes = Buffer.from(text, 'base64');
    this.hash.update(bytes);
    this.bytes += bytes.length;
    if (this.head.length < HEAD_BYTES) this.head = Buffer.concat([this.head, bytes.subarray(0, HEAD_BYTES - this.head.length)]);
  }

  end(): StreamedValue {
    this.decode(this.carry);
    const raw = Buffer.concat(this.kept).toString('utf8');
    const short = this.length <= this.keepChars;
    let text: string | null = null;
    if (short) {
      try {
        text = JSON.parse(`"${raw}"`) as string;
      } catch {
        text = raw;
      }
    }
    return { text, length: this.length, bytes: this.bytes, sha256: this.hash.digest('hex'), head: this.head };
  }
}

export interface ReadBodyOptions {
  /** Largest body, not counting the streamed value. */
  maxBytes: number;
  /** A top-level string field whose value is decoded and hashed as it streams in, never buffered. */
  streamField?: string;
  /** Values up to this many characters are also kept as text. */
  keepChars?: number;
}

export interface ReadBody {
  /** The parsed JSON, with the streamed field's value replaced by "" (undefined when not JSON). */
  json: unknown;
  streamed: StreamedValue | null;
}

/**
 * Reads a JSON request body. With `streamField`, a small scanner follows the JSON's strings and nesting
 * just enough to find that top-level key; its value goes through a base64 decoder and a hash as it
 * arrives, and everything else (a few hundred bytes) is parsed normally. So a large upload costs the
 * sandbox no memory, however big the file.
 */
export function readJsonBody(req: IncomingMessage, options: ReadBodyOptions): Promise<ReadBody> {
  const { maxBytes, streamField } = options;
  return new Promise((resolve, reject) => {
    const skeleton: Buffer[] = [];
    let skeletonSize = 0;
    let digest: Base64Digest | null = null;
    let streamed: StreamedValue | null = null;
    let failed = false;
    // Scanner state, carried across chunks.
    let depth = 0;
    let inString = false;
    let escape = false;
    let inTarget = false;
    let collecting: number[] | null = null;
    let lastString: string | null = null;
    let awaitingValueOf: string | null = null;

    const keep = (part: Buffer): void => {
      skeletonSize += part.length;
      if (skeletonSize > maxBytes) throw new BodyTooLarge();
      skeleton.push(part);
    };

    const scan = (chunk: Buffer): void => {
      let i = 0;
      let segmentStart = 0;
      const n = chunk.length;
      while (i < n) {
        if (inTarget && digest) {
          if (escape) {
            escape = false;
            digest.write(chunk.subarray(i, i + 1));
            i++;
            continue;
          }
          const quote = chunk.indexOf(0x22, i);
          const backslash = chunk.indexOf(0x5c, i);
          if (backslash !== -1 && (quote === -1 || backslash < quote)) {
            digest.write(chunk.subarray(i, backslash + 1));
            escape = true;
            i = backslash + 1;
          } else if (quote !== -1) {
            digest.write(chunk.subarray(i, quote));
            streamed = digest.end();
            inTarget = false;
            segmentStart = quote; // the closing quote goes back into the skeleton
            i = quote + 1;
          } else {
            digest.write(chunk.subarray(i));
            i = n;
            segmentStart = n;
          }
          continue;
        }
        const c = chunk[i] ?? 0;
        if (inString) {
          if (escape) escape = false;
          else if (c === 0x5c) escape = true;
          else if (c === 0x22) {
            inString = false;
            if (collecting) lastString = Buffer.from(collecting).toString('utf8');
            collecting = null;
          } else if (collecting && collecting.length < 64) collecting.push(c);
        } else if (c === 0x22) {
          if (depth === 1 && streamField !== undefined && awaitingValueOf === streamField && !streamed) {
            keep(chunk.subarray(segmentStart, i + 1));
            digest = new Base64Digest(options.keepChars ?? 4096);
            inTarget = true;
          } else {
            inString = true;
            collecting = depth === 1 ? [] : null;
          }
          lastString = null;
          awaitingValueOf = null;
        } else if (c === 0x3a) {
          awaitingValueOf = depth === 1 ? lastString : null;
          lastString = null;
        } else if (c === 0x7b || c === 0x5b) {
          depth++;
          lastString = null;
          awaitingValueOf = null;
        } else if (c === 0x7d || c === 0x5d) {
          depth--;
          lastString = null;
          awaitingValueOf = null;
        } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
          lastString = null;
          awaitingValueOf = null;
        }
        i++;
      }
      if (!inTarget && segmentStart < n) keep(chunk.subarray(segmentStart, n));
    };

    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      reject(error);
    };

    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        if (streamField === undefined) keep(chunk);
        else scan(chunk);
      } catch (error) {
        // Keep draining so the client gets our answer instead of a reset.
        fail(error as Error);
      }
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(skeleton).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ json, streamed });
    });
    req.on('error', fail);
    req.on('aborted', () => fail(new Error('client aborted')));
  });
}
