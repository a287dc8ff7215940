/** The start-up baseline: node on an empty script. */
