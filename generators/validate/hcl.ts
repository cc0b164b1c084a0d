/**
 * HCL syntax check and conversion to JSON with @cdktf/hcl2json (Go's hcl2json compiled to
 * WebAssembly). The package starts one WASM instance when first imported and reuses it for every
 * call; the first parse waits for it (about 0.2 s), later ones take a few milliseconds. It is
 * imported on the first parse: the instance holds about 70 MiB, which `prenv serve` and the
 * read commands should not carry until they render a job.
 */

export interface HclSyntaxError {
  file: string;
  line: number;
  column: number;
  /** "Summary; Detail" as HCL words it. */
  message: string;
}

export type HclParseResult =
  | { ok: true; json: Record<string, unknown> }
  | { ok: false; errors: HclSyntaxError[]; message: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * hcl2json reports `parse config: [<file>:<line>,<col>-<endline>,<endcol>: Summary; Detail. ...]`,
 * several diagnostics separated by spaces. The file name is ours, so it anchors each one.
 */
export function parseHclDiagnostics(filename: string, text: string): HclSyntaxError[] {
  const inner = text.replace(/^parse config: \[/, '').replace(/\]$/, '');
  const start = new RegExp(`${escapeRegExp(filename)}:(\\d+),(\\d+)(?:-(?:\\d+,)?\\d+)?: `, 'g');
  const hits = [...inner.matchAll(start)];
  return hits.map((hit, i) => {
    const from = (hit.index ?? 0) + hit[0].length;
    const to = hits[i + 1]?.index ?? inner.length;
    return {
      file: filename,
      line: Number(hit[1]),
      column: Number(hit[2]),
      message: inner.slice(from, to).trim(),
    };
  });
}

function formatErrors(errors: readonly HclSyntaxError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n');
}

/** Parses HCL text. A syntax error is an expected outcome, returned with file:line:column. */
export async function parseHcl(filename: string, text: string): Promise<HclParseResult> {
  const { parse } = await import('@cdktf/hcl2json');
  try {
    return { ok: true, json: (await parse(filename, text)) as Record<string, unknown> };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const found = parseHclDiagnostics(filename, raw);
    const errors =
      found.length > 0 ? found : [{ file: filename, line: 0, column: 0, message: raw }];
    return { ok: false, errors, message: formatErrors(errors) };
  }
}
