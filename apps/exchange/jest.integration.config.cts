module.exports = {
  displayName: 'exchange:integration',
  preset: '../../jest.integration.preset.js',
};
