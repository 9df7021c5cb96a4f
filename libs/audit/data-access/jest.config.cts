module.exports = {
  displayName: 'audit-data-access',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/audit/data-access',
};
