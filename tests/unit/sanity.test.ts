import { describe, expect, it } from '@jest/globals';
describe('jest', () => { it('runs ESM TS', async () => { const { CID } = await import('multiformats/cid'); expect(typeof CID.parse).toBe('function'); }); });
