module.exports = {
  displayName: 'audit:integration',
  preset: '../../jest.integration.preset.js',
};
