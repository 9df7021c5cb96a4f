module.exports = {
  displayName: 'testapi-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/testapi/feature',
};
