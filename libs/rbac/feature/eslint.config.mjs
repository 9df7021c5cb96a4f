import baseConfig, { owns } from '../../../eslint.config.mjs';

// The rbac feature lib owns the authorization library (policy/casbin-policy.ts).
export default [...baseConfig, ...owns('casbin')];
