module.exports = {
  displayName: 'exchange-feature',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/exchange/feature',
};
