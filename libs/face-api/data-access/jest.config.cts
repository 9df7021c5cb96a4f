module.exports = {
  displayName: 'face-api-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/face-api/data-access',
};
