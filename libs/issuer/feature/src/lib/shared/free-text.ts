/** The longest display name an operator may give an ISV. */
export const DISPLAY_NAME_MAX = 200;

/** The longest free-text reason (an ISV's note on a client block). */
export const REASON_MAX = 500;
