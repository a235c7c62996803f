/** studio/: the composing service shared by the web app and the Discord bot (no HTTP, no Discord here). */

export {
  type Studio,
  type StudioHealth,
  StudioUnavailableError,
  type SubmitError,
  type SubmitErrorReason,
  type SubmitInput,
  type SubmitResult,
} from './api.js';
export { isFinalEvent, type StudioEvent } from './events.js';
export { studioClient } from './ipcClient.js';
export { childProcessChannel, type IpcChannel, parentProcessChannel } from './ipcProtocol.js';
export { type StudioServer, serveStudio } from './ipcServer.js';
export { createStudio, type StudioOptions } from './studio.js';
