module.exports = {
  displayName: 'persistence:integration',
  preset: '../../jest.integration.preset.js',
};
