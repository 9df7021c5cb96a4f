module.exports = {
  displayName: 'messaging:integration',
  preset: '../../jest.integration.preset.js',
};
