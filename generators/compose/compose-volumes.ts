import { prenvName } from './compose-values.js';
import { REASONS, type DroppedKey } from './dropped-keys.js';

export interface VolumeEntry {
  name: string;
  path: string;
  read_only?: boolean;
}

/** Named volumes become host volumes; bind mounts of host paths are reported, not carried. */
export function convertVolumes(value: unknown, at: string, dropped: DroppedKey[]): VolumeEntry[] {
  if (!Array.isArray(value)) return [];
  const out: VolumeEntry[] = [];
  value.forEach((item, i) => {
    const parsed = parseVolume(item);
    if (!parsed || parsed.bind) {
      dropped.push({ path: `${at}.volumes.${i}`, reason: REASONS.bindMount });
      return;
    }
    out.push({
      name: prenvName(parsed.source),
      path: parsed.target,
      ...(parsed.readOnly ? { read_only: true } : {}),
    });
  });
  return out;
}

function parseVolume(
  item: unknown,
): { source: string; target: string; readOnly: boolean; bind: boolean } | undefined {
  if (typeof item === 'string') {
    const [source = '', target, mode] = item.split(':');
    if (!target) return undefined;
    const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
    return { source, target, readOnly: mode === 'ro', bind };
  }
  if (item && typeof item === 'object') {
    const v = item as { type?: string; source?: string; target?: string; read_only?: boolean };
    if (!v.source || !v.target) return undefined;
    return { source: v.source, target: v.target, readOnly: !!v.read_only, bind: v.type === 'bind' };
  }
  return undefined;
}
