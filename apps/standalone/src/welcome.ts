import type { DemoCredentials } from './demo-credentials';

/** Tells a person what they can do with the platform they just started. */
export function printWelcome(credentials: DemoCredentials, path: string, created: boolean, logFile: string): void {
  const lines = [
    '',
    created ? 'Demo records created:' : 'Demo records (created on an earlier start):',
    `  ISV ${credentials.isv.id}, granted Face.Identification, Face.Verification, LimitedAccess.HighRisk`,
    `  client resource ${credentials.client.resourceId}`,
    `  operator ${credentials.operator.id}, OAuth application ${credentials.oauthApplication.clientId}`,
    `Their keys and secrets, and every service's base URL, are in ${path} (mode 0600), e.g.:`,
    `  jq -r .isv.subscriptionKey ${path}`,
    'API descriptions: <service url>/docs. Health: <service url>/healthz and /readyz.',
    `JSON logs of every service: ${logFile}`,
    'Press Ctrl-C to stop; data is kept in the data folder for the next start.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
