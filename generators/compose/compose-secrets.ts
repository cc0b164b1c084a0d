/**
 * Names in Consul KV for secrets written as literal values in a Compose file. Secrets are one
 * folder per environment (`<kv_prefix>/<environment>/NAME`), shared by every service, so:
 * equal values share one name (a database's `POSTGRES_PASSWORD` and the password inside the
 * app's `DATABASE_URL`), and one name never holds two different values (the second becomes
 * `SERVICE_KEY`). A value is only compared here, never kept in the result or a message.
 */
export class LiteralSecretNames {
  private readonly byName = new Map<string, string | undefined>();
  private readonly byValue = new Map<string, string>();

  /** Marks names that `{{secret.NAME}}` references already use (their value is not known here). */
  reserve(names: Iterable<string>): void {
    for (const name of names) if (!this.byName.has(name)) this.byName.set(name, undefined);
  }

  /** The name for `value` written under environment key `key` of Compose service `service`. */
  nameFor(service: string, key: string, value: string): string {
    return this.byValue.get(value) ?? this.claim(service, key, value);
  }

  /** The name for a password inside the URL of `key`: a secret with the same value, else `KEY_PASSWORD`. */
  nameForPassword(service: string, key: string, password: string): string {
    return this.byValue.get(password) ?? this.claim(service, `${key}_PASSWORD`, password);
  }

  private claim(service: string, wanted: string, value: string): string {
    const base = this.byName.has(wanted)
      ? `${service
          .toUpperCase()
          .replace(/[^A-Z0-9]+/g, '_')
          .replace(/^(?=[0-9])/, '_')}_${wanted}`
      : wanted;
    let name = base;
    for (let i = 2; this.byName.has(name) && this.byName.get(name) !== value; i++) {
      name = `${base}_${i}`;
    }
    this.byName.set(name, value);
    if (!this.byValue.has(value)) this.byValue.set(value, name);
    return name;
  }
}
