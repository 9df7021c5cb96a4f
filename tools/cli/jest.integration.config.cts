module.exports = {
  displayName: 'cli:integration',
  preset: '../../jest.integration.preset.js',
};
