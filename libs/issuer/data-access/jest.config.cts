module.exports = {
  displayName: 'issuer-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/issuer/data-access',
};
