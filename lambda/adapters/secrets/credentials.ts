// Target credentials from Secrets Manager, through Powertools parameters (cached per container).
// The secret holds the tokens file shape `{ "tokens": {...}, "params": {...} }`. Error messages name
// the secret and what is wrong with its shape, never a value.
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { credentialsSchema } from '../../engine/credentials.js';
import type { Credentials } from '../../engine/target.js';

export class SecretsError extends Error {
  override readonly name = 'SecretsError';
}

export const CredentialsSchema = credentialsSchema;

export interface SecretCredentialsOptions {
  readonly client: SecretsManagerClient;
  /** Secret name or ARN. */
  readonly secretId: string;
  /** Seconds a fetched value is reused. @default 300 */
  readonly maxAgeSeconds?: number;
}

export interface CredentialsLoader {
  load(options?: { forceFetch?: boolean }): Promise<Credentials>;
}

export function createSecretCredentials(options: SecretCredentialsOptions): CredentialsLoader {
  const provider = new SecretsProvider({ awsSdkV3Client: options.client });
  const maxAge = options.maxAgeSeconds ?? 300;
  return {
    async load({ forceFetch = false } = {}) {
      let raw: unknown;
      try {
        raw = await provider.get(options.secretId, { maxAge, forceFetch });
      } catch (e) {
        // Powertools wraps the SDK error (GetParameterError); the SDK's name says what happened.
        const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error) : (e as Error);
        throw new SecretsError(`cannot read secret "${options.secretId}": ${cause.name}`, { cause: e });
      }
      if (typeof raw !== 'string') {
        throw new SecretsError(
          `secret "${options.secretId}" has no SecretString; put a JSON object { "tokens": {...}, "params": {...} }`,
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new SecretsError(
          `secret "${options.secretId}" is not JSON; expected { "tokens": {...}, "params": {...} }`,
        );
      }
      const parsed = CredentialsSchema.safeParse(json);
      if (!parsed.success) {
        const where = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        throw new SecretsError(
          `secret "${options.secretId}" does not have the tokens file shape { "tokens": {...}, "params": {...} } (${where})`,
        );
      }
      return parsed.data;
    },
  };
}
