module.exports = {
  displayName: 'abuse-detector:integration',
  preset: '../../jest.integration.preset.js',
};
