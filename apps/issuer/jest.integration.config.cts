module.exports = {
  displayName: 'issuer:integration',
  preset: '../../jest.integration.preset.js',
};
