/** Source locations in telemetry: stack frames and log locations → workspace files (issue 18). */
export {
  exceptionFrames,
  innermostAppFrame,
  isLibraryPath,
  isLinkablePath,
  logSourceLocation,
  pythonTracebackFrames,
  MAX_LINKED_FRAMES,
  MAX_SOURCE_LINE,
  MAX_SOURCE_PATH_LENGTH,
} from './stackFrames';
export { resolveSourcePath } from './resolveSource';
export type { SourceResolution, SourceResolveOptions } from './resolveSource';
