module.exports = {
  displayName: 'exchange-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/exchange/data-access',
};
