module.exports = {
  displayName: 'abuse-detector-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/abuse-detector/feature',
};
