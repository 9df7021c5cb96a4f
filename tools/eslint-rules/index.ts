/**
 * The workspace's own lint rules, loaded by @nx/eslint-plugin from this
 * folder and namespaced `@nx/workspace-<name>` (eslint.config.mjs turns them on).
 */
import { RULE_NAME as requireRouteGuardName, rule as requireRouteGuard } from './rules/require-route-guard';

module.exports = {
  rules: { [requireRouteGuardName]: requireRouteGuard },
};
