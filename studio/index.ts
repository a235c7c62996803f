/** studio/: the composing service shared by the web app and the Discord bot (no HTTP, no Discord here). */
export { isFinalEvent, type StudioEvent } from './events.js';
export {
  createStudio,
  type Studio,
  type StudioHealth,
  type StudioOptions,
  type SubmitError,
  type SubmitErrorReason,
  type SubmitInput,
  type SubmitResult,
} from './studio.js';
