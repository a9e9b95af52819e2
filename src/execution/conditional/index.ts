/** execution/conditional: conditional orders the gateway holds or forwards. See README.md. */
export { TriggerHolder, type TriggerHolderDeps, type HeldState } from './trigger-holder.js';
export { conditionalRouting, killCancels } from './routing.js';
