module.exports = {
  displayName: 'deploy:integration',
  preset: '../jest.integration.preset.js',
};
