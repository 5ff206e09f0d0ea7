import { fileOperations, OPERATION_IDS } from '@shared/catalog';

/** Bad usage or invalid parameters: exit code 2, and nothing was sent to a vendor. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `held`: unfinished work was left alone because another live Promptreel process holds it. */
export const EXIT = { ok: 0, failed: 1, usage: 2, held: 3 } as const;

const FILE_OPERATIONS = fileOperations()
  .map((spec) => spec.id)
  .join(', ');

export const HELP = `Usage: promptreel <command> [options]

Commands:
  run <operation> --params <json | @file.json> [--file <path>] [--wait] [--out <dir>] [--json]
      Queue one job. Without --wait, exits once the vendor accepted it; with --wait, once the job
      and its downloads are final. --file is a local video for ${FILE_OPERATIONS}.
  jobs [--json]                 List jobs, newest first.
  show <jobId> [--json]         Show one job.
  resume [--wait] [--resubmit] [--json]
      Continue every unfinished job and download (e.g. after a crash; downloads paused by a full
      disk too). Work another running Promptreel process holds is left alone; with --wait, resume
      waits until that process's hold lapses (it died or hung) and then takes the work over. A job
      interrupted while it was being submitted may have been billed: it is only sent again with
      --resubmit.
  reel list [--json]            List the reels made in the app.
  reel export <reel> [--out <file.mp4>] [--json]
      Export a reel (its id or exact name) to one MP4, with its shot list beside it as .shots.json
      and .shots.csv; progress on stderr, the file's path on stdout. Exit 0 written; 1 a shot is not
      ready or missing, or ffmpeg failed (nothing is left behind); 2 bad usage or no such reel.

Operations: ${OPERATION_IDS.join(', ')}

Options:
  --json     One JSON object per job per line on stdout.
  --out      Where results are written (default: the library folder in the data directory).
  -h, --help Show this help.  --version  Show the version.

Exit codes: 0 every job succeeded with all its files saved (or was accepted, without --wait);
1 a job failed, was only partly done (status "partial": some results lost or not saved), needs
attention or is paused for a key; 2 bad usage or invalid parameters (nothing was sent); 3 (resume)
unfinished work was left to another running Promptreel process (stderr says which, and who holds it).

Environment: PROMPTREEL_DATA_DIR, PROMPTREEL_HIDREAM_URL, PROMPTREEL_HIDREAM_TOKEN,
PROMPTREEL_HIDREAM_USER_ID, PROMPTREEL_CLOUDSWAY_URL, PROMPTREEL_CLOUDSWAY_ENDPOINT,
PROMPTREEL_CLOUDSWAY_KEY. A vendor without a key uses the built-in sandbox (an offline demo).
`;
