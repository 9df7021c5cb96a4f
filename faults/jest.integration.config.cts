module.exports = {
  displayName: 'faults:integration',
  preset: '../jest.integration.preset.js',
};
