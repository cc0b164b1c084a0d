import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/tools.js';

/** The shared project folder beside the clone (/work/shared here, `../shared` in CI). */
export const sharedNomadDir = path.resolve(repoRoot, '..', 'shared', 'nomad');
export const conformanceDir = path.join(sharedNomadDir, 'conformance');

function hclBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^( *)```hcl\n([\s\S]*?)^ *```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const indent = match[1] ?? '';
    const body = match[2] ?? '';
    blocks.push(
      body
        .split('\n')
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n'),
    );
  }
  return blocks;
}

/** The HCL examples of shared/nomad/README.md, split into its valid and invalid sections. */
export function readmeExamples(): { valid: string[]; invalid: string[] } {
  const readme = readFileSync(path.join(sharedNomadDir, 'README.md'), 'utf8');
  const [before = '', after = ''] = readme.split('## Invalid examples');
  return { valid: hclBlocks(before), invalid: hclBlocks(after) };
}
