export type { Campaign, IssuerKey } from '../../shared/voucher/manifest';
import type { z } from 'zod';
import type { revocationSchema } from '../../shared/voucher/manifest';
export type Revocation = z.output<typeof revocationSchema>;
