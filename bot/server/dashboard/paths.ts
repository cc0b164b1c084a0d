/**
 * The dashboard page of an environment's runs, which redirects to its newest run: `/pr/7` for
 * env `pr-7`, `/env/production` and `/env/staging` for the others. The sticky comment and the
 * environments table link to it.
 */
export function environmentPath(environment: string): string {
  const pr = /^pr-([1-9]\d{0,8})$/.exec(environment);
  return pr ? `/pr/${pr[1]}` : `/env/${encodeURIComponent(environment)}`;
}

/** The page of one run: `/runs/<run id, percent-encoded>` (run ids hold slashes). */
export function runPath(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

/**
 * Where a GitHub deployment status (`log_url`, "View logs") of a PR, production or staging
 * links: the page of the run it is about, or the environment's runs when it is about none (a
 * commit still queued).
 */
export function logsPath(environment: string, runId?: string): string {
  return runId ? runPath(runId) : environmentPath(environment);
}
