/**
 * "If you are making a large number of POST, PATCH, PUT, or DELETE requests, wait at least one
 * second between each request" (docs.github.com, "Best practices for using the REST API");
 * @octokit/plugin-throttling spaces writes so ("octokit-write" group, `minTime` 1,000 ms).
 */
export const GITHUB_WRITE_SPACING_MS = 1_000;

/**
 * Whether `apiUrl` is GitHub's own cloud: github.com (`api.github.com`) or GHE.com
 * (`api.<subdomain>.ghe.com`), which always enforce secondary rate limits. A GitHub Enterprise
 * Server enforces them only when its administrator enabled them (docs.github.com/enterprise-server,
 * "Configuring rate limits"). An unparsable URL counts as GitHub's.
 */
export function enforcesSecondaryLimits(apiUrl: string): boolean {
  if (!URL.canParse(apiUrl)) return true;
  const host = new URL(apiUrl).hostname;
  return host === 'api.github.com' || host.endsWith('.ghe.com');
}
