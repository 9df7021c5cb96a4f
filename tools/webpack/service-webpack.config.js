const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/**
 * The production bundle of one service app (`npx nx build <service>`).
 * node_modules stay external so that OpenTelemetry's require hooks can patch
 * http, kafkajs and pg when they load.
 */
module.exports = function serviceWebpackConfig(service) {
  return {
    output: { path: join(__dirname, '../../dist/apps', service), clean: true },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        // Kafka events are produced on a worker thread (libs/messaging producer-thread.ts), which loads
        // producer-thread.worker.js from beside main.js when it exists: bundle it as an entry of its own.
        additionalEntryPoints: [
          { entryName: 'producer-thread.worker', entryPath: join(__dirname, '../../libs/messaging/src/lib/kafka/producer-thread.worker.ts') },
        ],
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
      }),
    ],
  };
};
