module.exports = {
  displayName: 'issuer-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/issuer/feature',
};
