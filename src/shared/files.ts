/**
 * Local video files: the one size cap, shared by the renderer (a drop is refused before anything is read
 * in full) and main (a staged upload is checked again, since main trusts no renderer). What a file is
 * comes from `./sniff`.
 */

/**
 * The largest local video the app accepts for stylization, the one cap for the drop zone, the staging
 * IPC, the vendor client and the sandbox. UNCERTAIN: a guess. HiDream states no size limit for a
 * base64 `video_name`; the body grows by a third on the wire, and gateways commonly refuse bodies of a
 * few hundred MB, so we stop well before that (200 MiB of video is about 267 MB of request).
 */
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

/** Raw bytes per staging frame: base64 grows it by 4/3, which keeps a frame well under the shell's frame cap. */
export const STAGE_CHUNK_BYTES = 512 * 1024;
