/** The file's name as the user will see it in the folder (without the `.part` while it downloads). */
export function displayName(path: string | null, url: string): string {
  const name = path?.split(/[\\/]/).pop() ?? '';
  if (name) return name.replace(/\.part$/, '');
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || url;
  } catch {
    return url;
  }
}
