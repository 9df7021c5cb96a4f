module.exports = {
  displayName: 'face-api:integration',
  preset: '../../jest.integration.preset.js',
};
