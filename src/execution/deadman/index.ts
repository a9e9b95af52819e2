/** execution/deadman: keeps a venue's own dead-man switch armed while the gateway is healthy. */
export * from './deadman-keeper.js';
