module.exports = {
  displayName: 'standalone:integration',
  preset: '../../jest.integration.preset.js',
};
