/**
 * Server types Hetzner no longer offers for new servers, with their successor.
 * Hetzner deprecated the cx22 generation in 2025 (successor cx23); the cx11 generation earlier.
 */
const DEPRECATED: Readonly<Record<string, string>> = {
  cx11: 'cx23',
  cx21: 'cx23',
  cx31: 'cx33',
  cx41: 'cx43',
  cx51: 'cx53',
  cx22: 'cx23',
  cx32: 'cx33',
  cx42: 'cx43',
  cx52: 'cx53',
};

export interface ServerTypeAdvice {
  serverType: string;
  deprecated: boolean;
  successor?: string;
  message?: string;
}

export function serverTypeAdvice(serverType: string): ServerTypeAdvice {
  const successor = DEPRECATED[serverType];
  if (!successor) return { serverType, deprecated: false };
  return {
    serverType,
    deprecated: true,
    successor,
    message:
      `Hetzner has deprecated server type ${serverType}; new servers may be refused. ` +
      `Set hetzner.server_type: ${successor} in prenv.yml.`,
  };
}

/**
 * Memory of Hetzner Cloud server types in MiB (Hetzner's GB are GiB here: a cx22 has 4 GiB),
 * from https://www.hetzner.com/cloud (shared vCPU: cx, cpx, cax; dedicated: ccx).
 */
const MEMORY_MIB: Readonly<Record<string, number>> = {
  cx11: 2048,
  cx21: 4096,
  cx31: 8192,
  cx41: 16_384,
  cx51: 32_768,
  cx22: 4096,
  cx32: 8192,
  cx42: 16_384,
  cx52: 32_768,
  cx23: 4096,
  cx33: 8192,
  cx43: 16_384,
  cx53: 32_768,
  cpx11: 2048,
  cpx21: 4096,
  cpx31: 8192,
  cpx41: 16_384,
  cpx51: 32_768,
  cax11: 4096,
  cax21: 8192,
  cax31: 16_384,
  cax41: 32_768,
  ccx13: 8192,
  ccx23: 16_384,
  ccx33: 32_768,
  ccx43: 65_536,
  ccx53: 131_072,
  ccx63: 196_608,
};

/** Every server type prenv knows (and can advise), on sale or deprecated. */
export function knownServerTypes(): string[] {
  return Object.keys(MEMORY_MIB);
}

/** The memory of a server type in MiB, or undefined for a type this table doesn't know. */
export function serverTypeMemoryMiB(serverType: string): number | undefined {
  return MEMORY_MIB[serverType];
}

const FAMILY_ORDER = ['cx', 'cpx', 'ccx'];

/**
 * x86 server types on sale, smallest memory first and the shared cx family before cpx and
 * ccx at equal memory, for advice. Deprecated types and the Arm cax family (images built for
 * amd64 would not run) are left out.
 */
export function serverTypesByMemory(): { serverType: string; memoryMiB: number }[] {
  const family = (type: string) => FAMILY_ORDER.indexOf(type.replace(/\d+$/, ''));
  return Object.entries(MEMORY_MIB)
    .filter(([type]) => !DEPRECATED[type] && family(type) >= 0)
    .map(([serverType, memoryMiB]) => ({ serverType, memoryMiB }))
    .sort((a, b) => a.memoryMiB - b.memoryMiB || family(a.serverType) - family(b.serverType));
}
