import { Injectable } from '@nestjs/common';
import { Clock } from '@herald/common';
import { SecretsConfig } from '@herald/config';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { newSigningSecret, PREVIOUS_SECRET_VALID_MS, sealSecret } from './callback-secret.util';
import type { CallbackSecretView, CallbackSecretWithSecret } from './callbacks.types';

/** The workspace's callback secret, which signs deliveries to per-send callback URLs. */
@Injectable()
export class CallbackSecrets {
  constructor(
    private readonly endpoints: CallbackEndpointRepository,
    private readonly clock: Clock,
    private readonly secrets: SecretsConfig,
  ) {}

  async get(workspaceId: string): Promise<CallbackSecretView> {
    const row = await this.endpoints.secret(workspaceId);
    const now = this.clock.now().toJSDate();
    return {
      exists: row !== undefined,
      createdAt: row ? row.secret_created_at.toISOString() : null,
      previousSecretExpiresAt:
        row?.previous_secret_expires_at && row.previous_secret_expires_at > now
          ? row.previous_secret_expires_at.toISOString()
          : null,
    };
  }

  /** Creates the secret, or rotates it (the previous one keeps signing alongside for 24 h). Shown once. */
  async rotate(workspaceId: string): Promise<CallbackSecretWithSecret> {
    const now = this.clock.now().toJSDate();
    const secret = newSigningSecret();
    const row = await this.endpoints.putSecret(
      workspaceId,
      sealSecret(secret, this.secrets.secretsKey),
      now,
      new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS),
    );
    return {
      secret,
      createdAt: row.secret_created_at.toISOString(),
      previousSecretExpiresAt: row.previous_secret_expires_at ? row.previous_secret_expires_at.toISOString() : null,
    };
  }
}
