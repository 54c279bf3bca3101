// Hardhat 2 configuration for the local development / test chain (`hardhat node`).
// CommonJS (.cjs) because package.json declares "type": "module".
//
// Contracts are compiled by scripts/lib/solidity.ts with the npm solc, not by Hardhat. Should
// anyone run `hardhat compile` anyway, the subtask below hands Hardhat that same npm solc, because
// Hardhat would otherwise try to download a compiler (no network here).
const { subtask, task } = require('hardhat/config');
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_NODE } = require('hardhat/builtin-tasks/task-names');

const SOLC_VERSION = require('solc/package.json').version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }) => {
  if (solcVersion !== SOLC_VERSION) {
    throw new Error(
      `Only the npm solc ${SOLC_VERSION} is available offline; Hardhat asked for ${solcVersion}. ` +
        'Use scripts/lib/solidity.ts to compile.',
    );
  }
  // "0.8.30+commit.73712a01.Emscripten.clang" -> "0.8.30+commit.73712a01"
  const longVersion = require('solc')
    .version()
    .replace(/\.Emscripten.*$/, '');
  return {
    compilerPath: require.resolve('solc/soljson.js'),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion,
  };
});

// `hardhat node` binds 0.0.0.0 when it finds /.dockerenv; this chain stays on loopback unless
// --hostname says otherwise.
task(TASK_NODE).setAction(async (args, _hre, runSuper) =>
  runSuper({ ...args, hostname: args.hostname ?? '127.0.0.1' }),
);

/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  defaultNetwork: 'hardhat',
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: 'cancun',
      // Default accounts: mnemonic "test test ... junk", m/44'/60'/0'/0/i (scripts/lib/demo-stake.ts).
    },
  },
  paths: {
    sources: './contracts',
    // Keep Hardhat's own output (if `hardhat compile` is ever run) inside the ignored build dir.
    cache: './contracts/build/hardhat/cache',
    artifacts: './contracts/build/hardhat/artifacts',
  },
};
