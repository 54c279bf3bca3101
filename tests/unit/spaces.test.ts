import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadSpaces, SpaceConfigError } from '../../server/spaces/load.js';
import { spaceToJson } from '../../server/spaces/schema.js';
import { tempDir } from '../support/temp.js';

const LOCAL_CHAIN_ID = 31337;
const valid = {
  id: 'test',
  name: 'Test',
  chainId: LOCAL_CHAIN_ID,
  strategies: [{ name: 'iotex-staking' }],
  proposalThreshold: '1000.5',
  supportThresholdBps: 500,
  supportPeriodSeconds: 900,
  votingDelaySeconds: 0,
  votingPeriodSeconds: 600,
  quorumBps: 1000,
  passThresholdBps: 5000,
  quorumChoices: ['For', 'Against', 'Abstain'],
  admins: ['0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'],
  executor: null,
};

describe('space settings', () => {
  let dir: ReturnType<typeof tempDir>;
  const write = (name: string, content: unknown) =>
    writeFileSync(path.join(dir.path, name), typeof content === 'string' ? content : JSON.stringify(content));
  const failure = async () => {
    try {
      await loadSpaces(dir.path, LOCAL_CHAIN_ID);
    } catch (error) {
      expect(error).toBeInstanceOf(SpaceConfigError);
      return (error as SpaceConfigError).message;
    }
    throw new Error('expected the spaces to be refused');
  };
  beforeEach(() => {
    dir = tempDir('spaces');
  });
  afterEach(() => dir.remove());

  it('loads the demo space shipped for the local chain', async () => {
    const spaces = await loadSpaces(path.resolve('spaces/local'), LOCAL_CHAIN_ID);
    const demo = spaces.get('demo');
    expect(demo?.strategies).toEqual([{ name: 'iotex-staking' }]);
    // Minutes, so the demo can be tried by hand.
    expect(demo!.supportPeriodSeconds).toBeLessThanOrEqual(3600);
    expect(demo!.votingPeriodSeconds).toBeLessThanOrEqual(3600);
    // The executor npm start deploys on the local chain (scripts/lib/demo-executor.ts).
    const { DEMO_EXECUTOR_ADDRESS } = await import('../../scripts/lib/demo-executor.js');
    expect(demo!.executor).toBe(DEMO_EXECUTOR_ADDRESS);
  });

  it('normalizes addresses and keeps thresholds exact, serving wei as text', async () => {
    write('test.json', valid);
    const space = (await loadSpaces(dir.path, LOCAL_CHAIN_ID)).get('test')!;
    expect(space.admins).toEqual(['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266']);
    expect(space.proposalThreshold.wei).toBe(1000_500000000000000000n);
    expect(spaceToJson(space).proposalThreshold).toEqual({ iotx: '1000.5', wei: '1000500000000000000000' });
  });

  it.each([
    [{ quorumBps: 10_001 }, /quorumBps: must be at most 10000/],
    [{ passThresholdBps: 4000 }, /passThresholdBps: must be at least 5000/],
    [{ proposalThreshold: 1000 }, /proposalThreshold:/],
    [{ proposalThreshold: '1e21' }, /proposalThreshold: must be a decimal IOTX amount/],
    [{ strategies: [{ name: 'snapshot-api' }] }, /strategies\.0\.name/],
    [{ strategies: [] }, /strategies:/],
    [{ admins: ['io1notanaddress'] }, /admins\.0: must be a 0x address/],
    [{ quorumChoices: ['For', 'For'] }, /quorumChoices: must not repeat a choice/],
    [{ votingPeriodSeconds: 0 }, /votingPeriodSeconds:/],
    [{ quorum: 10 }, /Unrecognized key.*quorum/],
    [{ chainId: 4689 }, /chainId 4689 does not match the connected chain \(31337\)/],
    [{ id: 'other' }, /id "other" must match the file name/],
  ])('refuses %p, naming the file and field', async (change, message) => {
    write('test.json', { ...valid, ...change });
    const text = await failure();
    expect(text).toContain(path.join(dir.path, 'test.json'));
    expect(text).toMatch(message);
  });

  it('refuses a file that is not JSON and an empty directory', async () => {
    expect(await failure()).toMatch(/no space settings/);
    write('broken.json', '{ "id": ');
    expect(await failure()).toMatch(/broken\.json: not valid JSON/);
  });

  it('reports the problems of every file in one error', async () => {
    write('a.json', { ...valid, id: 'a', quorumBps: -1 });
    write('b.json', { ...valid, id: 'b', votingDelaySeconds: -5 });
    const text = await failure();
    expect(text).toMatch(/a\.json: quorumBps/);
    expect(text).toMatch(/b\.json: votingDelaySeconds/);
  });
});

describe('the iotex space (spaces/mainnet)', () => {
  it("loads for IoTeX mainnet with IoTeX's published rules", async () => {
    const iotex = (await loadSpaces(path.resolve('spaces/mainnet'), 4689)).get('iotex')!;
    const week = 7 * 24 * 3600;
    // A vote opens a week after a proposal gathers support, lasts a week, and passes with more than
    // half of the votes cast in favour.
    expect(iotex).toMatchObject({
      votingDelaySeconds: week,
      votingPeriodSeconds: week,
      passThresholdBps: 5000,
      majorityOf: 'all-votes',
    });
    expect(iotex.strategies).toEqual([{ name: 'iotex-staking' }]);
    expect(iotex.supportThresholdBps).toBeGreaterThan(0);
    expect(iotex.quorumBps).toBeGreaterThan(0);
  });
});
