module.exports = require('../../tools/webpack/service-webpack.config')('testapi');
