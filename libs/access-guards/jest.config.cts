module.exports = {
  displayName: 'access-guards',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/access-guards',
};
