import { Argument } from 'commander';
import { FEATURE_FLAGS } from '@latchkey/contracts';

/** The `<flag>` argument, limited to the platform's flags so that a typo fails here with the list, not at the server. */
export const FEATURE_FLAG_CHOICES = (): Argument => new Argument('<flag>', 'a feature flag').choices([...FEATURE_FLAGS]);
