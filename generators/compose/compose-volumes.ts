import { prenvName } from './compose-values.js';
import { REASONS, type DroppedKey } from './dropped-keys.js';

export interface VolumeEntry {
  name: string;
  path: string;
  read_only?: boolean;
}

export interface ParsedVolume {
  type: 'volume' | 'bind' | 'tmpfs' | 'other';
  source: string;
  target: string;
  readOnly: boolean;
}

/** Where images keep their data (their Docker Hub docs); a mount there is the service's state. */
const DATA_DIR =
  /^(\/var\/lib\/[a-z0-9_-]+|\/data|\/bitnami|\/usr\/share\/elasticsearch\/data|\/var\/opt\/mssql|\/srv)(\/|$)/;
/** Folder names that hold an application's own data (uploads, media, a SQLite file's folder…). */
const DATA_WORD =
  /^(data|db|database|uploads?|media|storage|files|library|photos|attachments|backups?|state|var|persist(ent)?)$/i;

/** True when a read-write bind mount keeps state the service writes, not config or source code. */
function isDataMount(v: ParsedVolume): boolean {
  if (v.readOnly) return false;
  if (DATA_DIR.test(v.target)) return true;
  const words = [...v.target.split('/'), v.source.split('/').filter(Boolean).pop() ?? ''];
  return words.some((w) => DATA_WORD.test(w.replace(/^[._-]+/, '')));
}

/**
 * Compose `volumes` of one service → prenv volumes (Nomad host volumes under
 * /opt/prenv/volumes/NAME on the node). Named volumes keep their name. A bind mount of a
 * folder where the image keeps data becomes a host volume named after the folder. Other bind
 * mounts (config files, source code) and tmpfs are reported.
 */
export function convertVolumes(
  value: unknown,
  at: string,
  dropped: DroppedKey[],
  notes: string[],
  hostVolumeName: (wanted: string) => string,
): VolumeEntry[] {
  if (!Array.isArray(value)) return [];
  const out: VolumeEntry[] = [];
  value.forEach((item, i) => {
    const v = parseVolume(item);
    if (!v || v.type === 'other' || !v.target) {
      dropped.push({ path: `${at}.volumes.${i}`, reason: REASONS.unsupported });
      return;
    }
    if (v.type === 'tmpfs') {
      dropped.push({ path: `${at}.volumes.${i}`, reason: REASONS.tmpfs });
      return;
    }
    if (v.type === 'volume' && v.source === '') {
      notes.push(`${v.target}: an anonymous volume; the data lives only as long as the allocation`);
      return;
    }
    if (v.type === 'bind' && !isDataMount(v)) {
      dropped.push({ path: `${at}.volumes.${i}`, reason: REASONS.bindMount });
      return;
    }
    // Named volumes keep their name (services that share one share its data); a bind mount
    // is named after its folder, made unique per service.
    const name =
      v.type === 'volume'
        ? prenvName(v.source)
        : hostVolumeName(prenvName(v.source.split('/').filter(Boolean).pop() ?? v.source));
    notes.push(
      `${v.type === 'bind' ? v.source : `volume ${v.source}`} (${v.target}) is the persistent host volume "${name}": /opt/prenv/volumes/${name} on the node that runs it${v.type === 'bind' ? '; copy existing data there' : ''}`,
    );
    out.push({ name, path: v.target, ...(v.readOnly ? { read_only: true } : {}) });
  });
  return out;
}

export function parseVolume(item: unknown): ParsedVolume | undefined {
  if (typeof item === 'string') {
    const [source = '', target, mode = ''] = item.split(':');
    if (target === undefined)
      return { type: 'volume', source: '', target: source, readOnly: false };
    const bind = /^[./~]/.test(source);
    return {
      type: bind ? 'bind' : 'volume',
      source,
      target,
      readOnly: mode.split(',').includes('ro'),
    };
  }
  if (item && typeof item === 'object') {
    const v = item as { type?: string; source?: string; target?: string; read_only?: boolean };
    const type = v.type === 'bind' || v.type === 'volume' || v.type === 'tmpfs' ? v.type : 'other';
    return { type, source: v.source ?? '', target: v.target ?? '', readOnly: !!v.read_only };
  }
  return undefined;
}
