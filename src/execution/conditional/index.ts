/** execution/conditional: conditional orders the gateway holds or forwards. See README.md. */
export { TriggerHolder } from './trigger-holder.js';
export { conditionalRouting, killCancels } from './routing.js';
export { HeldJournal } from './held-journal.js';
