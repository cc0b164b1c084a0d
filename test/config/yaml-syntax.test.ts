import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../bot/config/load.js';
import { MINIMAL_CONFIG } from './minimal-config.js';

// A prenv.yml that is not well-formed YAML gets the same `file:line:column: path: message` as a
// schema problem: the path is the entry the problem is in (or directly follows), the position
// is where to look (an unclosed quote: where its string starts).

const HEAD = 'project: shop\nservices:\n  web:\n    image: acme/web\n';

const cases: [what: string, text: string, expected: string[]][] = [
  [
    'a duplicate key in a nested mapping',
    'project: shop\npreviews:\n  services:\n    web: 1\n    web: 2\n',
    [
      'prenv.yml:5:5: previews.services.web: duplicate key "web" (first at line 4); keep one of them',
    ],
  ],
  [
    'a duplicate top-level key',
    'project: shop\nservices: {}\nproject: again\n',
    ['prenv.yml:3:1: project: duplicate key "project" (first at line 1); keep one of them'],
  ],
  [
    'a duplicate key in a flow mapping',
    'project: shop\nservices: { web: {}, web: {} }\n',
    ['prenv.yml:2:22: services.web: duplicate key "web" (first at line 2); keep one of them'],
  ],
  [
    'a duplicate key in a list item',
    `${HEAD}    route:\n      - path: /\n        path: /api\n`,
    [
      'prenv.yml:7:9: services.web.route.0.path: duplicate key "path" (first at line 6); keep one of them',
    ],
  ],
  [
    'a key indented less than its siblings',
    `${HEAD}   port: 80\n`,
    ['prenv.yml:5:1: services.web.image: all mapping items must start at the same column'],
  ],
  [
    'a tab as indentation under a key',
    'project: shop\nservices:\n\tweb: {}\n',
    ['prenv.yml:3:1: services: tabs are not allowed as indentation; indent with spaces'],
  ],
  [
    'a tab as indentation deeper down',
    `${HEAD}\t  port: 80\n`,
    ['prenv.yml:5:1: services.web.image: tabs are not allowed as indentation; indent with spaces'],
  ],
  [
    'an unclosed double quote',
    'project: shop\nservices:\n  web:\n    image: "acme/web\n    port: 80\n',
    [
      'prenv.yml:4:12: services.web.image: the string that starts here has no closing " before the end of the file; close it on its line',
    ],
  ],
  [
    'an unclosed single quote',
    "project: shop\nservices:\n  web:\n    image: 'acme/web\n",
    [
      "prenv.yml:4:12: services.web.image: the string that starts here has no closing ' before the end of the file; close it on its line",
    ],
  ],
  [
    'an unclosed flow mapping',
    'project: shop\nservices:\n  web: { image: acme/web, port: 80\n',
    [
      'prenv.yml:4:1: services.web.port: flow map in block collection must be sufficiently indented and end with a }',
    ],
  ],
  [
    'an unclosed flow list',
    `${HEAD}    depends_on: [db, cache\n`,
    [
      'prenv.yml:6:1: services.web.depends_on.1: flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  ],
  [
    'a second colon in a plain value',
    'project: shop\nservices:\n  web:\n    image: acme/web: latest\n',
    [
      'prenv.yml:4:12: services.web.image: nested mappings are not allowed in compact mappings; a value holding ": " must be quoted',
    ],
  ],
  [
    'an unknown tag',
    'project: shop\nservices:\n  web:\n    image: !Ref web_image\n',
    [
      'prenv.yml:4:12: services.web.image: unknown YAML tag !Ref; prenv.yml takes plain values, so remove the tag',
    ],
  ],
  [
    'an alias with an anchor of its own',
    'services:\n  web: &a *b\n',
    ['prenv.yml:2:11: services.web: an alias node must not specify any properties'],
  ],
  [
    'two anchors on one node',
    'services:\n  web: &a &b {}\n',
    ['prenv.yml:2:11: services.web: a node can have at most one anchor'],
  ],
  [
    'an anchor ending in a colon',
    'services:\n  web: &a: {}\n',
    ['prenv.yml:2:10: services.web: anchor ending in : is ambiguous'],
  ],
  [
    'an alias before its anchor',
    'services:\n  web:\n    image: *image\n',
    [
      'prenv.yml:3:12: services.web.image: YAML alias *image has no anchor &image before it; set the anchor first or write the value out',
    ],
  ],
  [
    'a second document',
    'project: shop\n---\nproject: other\n',
    [
      'prenv.yml:2:1: a second YAML document starts here; prenv.yml is one document, so remove this "---" and merge what follows',
    ],
  ],
  [
    'an unknown directive',
    '%FOO bar\n---\nproject: shop\n',
    ['prenv.yml:1:1: unknown directive %FOO'],
  ],
];

describe('YAML syntax problems in prenv.yml', () => {
  it.each(cases)('%s', (_, text, expected) => {
    const result = parseConfig(text, 'prenv.yml');
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(expected);
  });

  it('names an entry for every problem but the whole-file ones', () => {
    for (const [what, text] of cases) {
      const result = parseConfig(text, 'prenv.yml');
      const problems = result.ok ? [] : result.problems;
      const whole = what === 'a second document' || what === 'an unknown directive';
      for (const p of problems)
        expect({ what, named: p.path !== '' }).toEqual({ what, named: !whole });
    }
  });

  it('places every problem of a damaged file inside the file, and never throws', () => {
    const damage = fc.constantFrom(
      '\t',
      '"',
      "'",
      ': ',
      '{',
      '[',
      '&a ',
      '*a',
      '!x ',
      '---\n',
      '\n  ',
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(MINIMAL_CONFIG.length), damage), { minLength: 1, maxLength: 3 }),
        (edits) => {
          let text = MINIMAL_CONFIG;
          for (const [at, piece] of edits) text = text.slice(0, at) + piece + text.slice(at);
          const result = parseConfig(text, 'prenv.yml');
          const lines = text.split('\n').length;
          for (const p of result.ok ? [] : result.problems) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.line).toBeLessThanOrEqual(lines);
            expect(p.column).toBeGreaterThanOrEqual(1);
            expect(p.message).not.toBe('');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
