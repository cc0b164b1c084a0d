/** Where `prenv app create --print` shows the credentials being stored. */
export const CREDENTIAL_STORES = ['nomad', 'consul', 'none'] as const;

export type CredentialStore = (typeof CREDENTIAL_STORES)[number];
