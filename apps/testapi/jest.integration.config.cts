module.exports = {
  displayName: 'testapi:integration',
  preset: '../../jest.integration.preset.js',
};
