const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

// Production bundle of the abuse-detector service: node_modules stay external so that
// OpenTelemetry's require hooks can patch http, kafkajs and pg at load time.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/abuse-detector'), clean: true },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
};
