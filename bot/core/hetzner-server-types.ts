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
