/** The driver tap lives with the drivers (src/peers/drivers/tap.ts); library certification uses it too. */
export * from '../../src/peers/drivers/tap.js';
