module.exports = {
  displayName: 'rbac:integration',
  preset: '../../jest.integration.preset.js',
};
