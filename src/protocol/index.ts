export * from './constants.js';
export * from './packet.js';
export * from './encoder.js';
export * from './decoder.js';
export * from './admin.js';
export * from './hex.js';
export * from './spec-sections.js';
