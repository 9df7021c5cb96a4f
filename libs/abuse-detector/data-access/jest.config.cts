module.exports = {
  displayName: 'abuse-detector-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/abuse-detector/data-access',
};
