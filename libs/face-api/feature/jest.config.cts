module.exports = {
  displayName: 'face-api-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/face-api/feature',
};
