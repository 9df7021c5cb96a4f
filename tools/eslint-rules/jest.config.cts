module.exports = {
  displayName: 'eslint-rules',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/eslint-rules',
};
