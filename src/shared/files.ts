/**
 * Local video files: the one size cap, shared by the renderer (a drop is refused before anything is read
 * in full) and main (a staged upload is checked again, since main trusts no renderer). What a file is
 * comes from `./sniff`.
 */

/** The largest local video the app accepts for stylization. HiDream takes it inline as base64. */
export const MAX_VIDEO_BYTES = 500 * 1024 * 1024;

/** Raw bytes per staging frame: base64 grows it by 4/3, which keeps a frame well under the shell's frame cap. */
export const STAGE_CHUNK_BYTES = 512 * 1024;
