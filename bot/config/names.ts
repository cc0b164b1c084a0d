/**
 * The forms of names that prenv.yml and the PRENV_* settings share, without the schema: the
 * settings and read commands check them without loading zod.
 */

export const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A lowercase DNS name such as `prenv.example.com`, as `domain` and every host key takes. */
export const isHostname = (text: string): boolean => HOSTNAME.test(text);

/**
 * An image reference in the grammar of distribution/reference (Docker's `reference.go`):
 * `[host[:port]/]path[:tag][@digest]`, each `{{placeholder}}` standing for a tag-like word
 * (placeholders are checked by the renderer). Anything else only fails when Docker pulls it.
 */
export const IMAGE_REFERENCE = (() => {
  const domain = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
  const host = `${domain}(?:\\.${domain})*(?::[0-9]+)?`;
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  const tag = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
  const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
  return new RegExp(`^(?:${host}/)?${component}(?:/${component})*(?::${tag})?(?:@${digest})?$`);
})();

/** An image reference without placeholders (`ghcr.io/acme/prenv:0.1.0`), as Docker parses one. */
export const isImageReference = (text: string): boolean => IMAGE_REFERENCE.test(text);

/**
 * A Consul KV folder: segments of letters, digits, `.`, `_`, `-` joined by `/`. A `.` or `..`
 * segment is refused: an HTTP client resolves it before Consul sees the key, so the folder
 * would silently be another one (`a/../b` is `b`).
 */
export const KV_FOLDER =
  /^(?!\.\.?(?:\/|$))[A-Za-z0-9_.-]+(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_.-]+)*$/;
