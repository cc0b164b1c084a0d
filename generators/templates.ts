import Handlebars from 'handlebars';
import { caddyToken, hclHeredocLine, hclString, json } from './escape.js';

/**
 * The Handlebars sources of `nomad/` and `caddy/`, keyed by file name relative to the
 * repository root (`nomad/service-job.nomad.hcl.hbs`). Files whose name starts with `_` are
 * partials, named without the `_` and the extensions (`nomad/_group.hcl.hbs` → `group`).
 */
export type TemplateSources = Record<string, string>;

export const TEMPLATE_FILES = {
  serviceJob: 'nomad/service-job.nomad.hcl.hbs',
  periodicJob: 'nomad/periodic-job.nomad.hcl.hbs',
  backupJob: 'nomad/backup-job.nomad.hcl.hbs',
  caddyfile: 'caddy/Caddyfile.hbs',
  botJob: 'nomad/prenv-bot.nomad.hcl.hbs',
} as const;

export type TemplateName = keyof typeof TEMPLATE_FILES;

export type Renderer = Record<TemplateName, (view: object) => string>;

const OPTIONS = { noEscape: true, strict: true } as const;

function stringArg(helper: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error(`template helper ${helper} needs a string, got ${String(value)}`);
}

const compiled = new WeakMap<TemplateSources, Renderer>();

/** The renderer of `sources`, compiled once per sources object (Handlebars compiles lazily, on first use). */
export function rendererFor(sources: TemplateSources): Renderer {
  let renderer = compiled.get(sources);
  if (!renderer) {
    renderer = createRenderer(sources);
    compiled.set(sources, renderer);
  }
  return renderer;
}

export function createRenderer(sources: TemplateSources): Renderer {
  const hb = Handlebars.create();
  hb.registerHelper('hcl', (value: unknown) => hclString(stringArg('hcl', value)));
  hb.registerHelper('hclHeredocLine', (value: unknown) =>
    hclHeredocLine(stringArg('hclHeredocLine', value)),
  );
  hb.registerHelper('caddyToken', (value: unknown) => caddyToken(stringArg('caddyToken', value)));
  hb.registerHelper('json', (value: unknown) => {
    if (value === undefined) throw new Error('template helper json got undefined');
    return json(value);
  });

  for (const [file, text] of Object.entries(sources)) {
    const base = file.split('/').at(-1) ?? file;
    if (!base.startsWith('_')) continue;
    const dir = file.slice(0, file.length - base.length);
    const name = base.slice(1).split('.')[0] ?? base;
    hb.registerPartial(partialName(dir, name), hb.compile(text, OPTIONS));
  }

  const compileOne = (name: TemplateName) => {
    const file = TEMPLATE_FILES[name];
    const text = sources[file];
    if (text === undefined) throw new Error(`template ${file} is missing`);
    const template = hb.compile(text, OPTIONS);
    return (view: object) => trimLineEnds(template(view));
  };
  /** The bot's job is rendered on its own; a PRENV_TEMPLATES folder may leave it out. */
  const compileOnUse = (name: TemplateName) => {
    let render: ((view: object) => string) | undefined;
    return (view: object) => (render ??= compileOne(name))(view);
  };
  return {
    serviceJob: compileOne('serviceJob'),
    periodicJob: compileOne('periodicJob'),
    backupJob: compileOne('backupJob'),
    caddyfile: compileOne('caddyfile'),
    botJob: compileOnUse('botJob'),
  };
}

/** Nomad partials are `group`, `task`…; Caddy partials are `caddy-route`… to keep them apart. */
function partialName(dir: string, name: string): string {
  return dir === 'nomad/' ? name : `${dir.replace(/\/$/, '').replace(/\//g, '-')}-${name}`;
}

/**
 * Indented partials leave spaces on their blank lines. No value can end a line with a space:
 * strings are quoted on one line, heredoc lines end with `}}`, Caddy tokens are quoted.
 */
function trimLineEnds(text: string): string {
  return text.replace(/[ \t]+$/gm, '');
}
