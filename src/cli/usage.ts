import { OPERATION_IDS } from '@shared/operations';

/** Bad usage or invalid parameters: exit code 2, and nothing was sent to a vendor. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const HELP = `Usage: promptreel <command> [options]

Commands:
  run <operation> --params <json | @file.json> [--file <path>] [--wait] [--out <dir>] [--json]
      Queue one job. Without --wait, exits once the vendor accepted it; with --wait, once the job
      and its downloads are final. --file is a local video for hidream.video_stylize.
  jobs [--json]                 List jobs, newest first.
  show <jobId> [--json]         Show one job.
  resume [--wait] [--resubmit] [--json]
      Continue every unfinished job (e.g. after a crash). A job interrupted while it was being
      submitted may have been billed: it is only sent again with --resubmit.

Operations: ${OPERATION_IDS.join(', ')}

Options:
  --json     One JSON object per job per line on stdout.
  --out      Where results are written (default: the library folder in the data directory).
  -h, --help Show this help.  --version  Show the version.

Exit codes: 0 every job succeeded with all its files saved (or was accepted, without --wait);
1 a job failed, was only partly done (status "partial": some results lost or not saved), needs
attention or is paused for a key; 2 bad usage or invalid parameters (nothing was sent).

Environment: PROMPTREEL_DATA_DIR, PROMPTREEL_HIDREAM_URL, PROMPTREEL_HIDREAM_TOKEN,
PROMPTREEL_HIDREAM_USER_ID, PROMPTREEL_CLOUDSWAY_URL, PROMPTREEL_CLOUDSWAY_ENDPOINT,
PROMPTREEL_CLOUDSWAY_KEY. A vendor without a key uses the built-in sandbox (an offline demo).
`;
