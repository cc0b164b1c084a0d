/** Values a PR author controls (branch, title) or a config writer types, meant to break out. */
export const INJECTION_CORPUS: readonly string[] = [
  'plain-branch',
  'quote " inside',
  'back\\slash \\" mixed \\',
  '${jndi:ldap://evil}',
  '%{ if true }x%{ endif }',
  '$${already-escaped}',
  '}\n}\njob "evil" {\n',
  '" }\n  task "evil" {\n    driver = "raw_exec',
  'line1\nline2\r\nline3',
  '{{ key "aipacto/production/JWT_SECRET" }}',
  '{{',
  '}}{{ .Data }}{{- end -}}',
  '`backticks` and $(rm -rf /)',
  'unicode: émoji 🚀 — 中文 \u2028 sep \u2029',
  'tab\tand nul \u0000 and del \u007f',
  'EOT\nEOT\n',
];

/** hcl2json echoes template escapes (`$${`, `%%{`) as written; this reads them back. */
export function decodeHclTemplateLiteral(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}

/**
 * True when HCL would evaluate part of the text: a `{` after a single `$` or `%`. HCL reads
 * `$${` / `%%{` as the literal `${` / `%{`, and any other `$` or `%` as itself.
 */
export function hasLiveInterpolation(text: string): boolean {
  return /(^|[^$])\$\{/.test(text) || /(^|[^%])%\{/.test(text);
}
