import baseConfig, { owns } from '../../eslint.config.mjs';

// The messaging lib owns the Kafka client.
export default [...baseConfig, ...owns('kafkajs', '@nestjs/microservices')];
