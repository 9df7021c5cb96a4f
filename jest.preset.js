const nxPreset = require('@nx/jest/preset').default;

// Unit tests: transpile only (tsconfig.spec.json sets isolatedModules); the
// `typecheck` target is what checks types, so tests stay fast.
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
