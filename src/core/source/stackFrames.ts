/**
 * Source locations in telemetry (issue 18): the frames of an exception (Breeze `parsedStack`, or the
 * Python traceback text that OpenCensus, the OpenTelemetry exporter and OTLP `exception.stacktrace`
 * send) and the code location of a log record (`code.filepath`/`code.lineno`/`code.function` from
 * Python logging instrumentation, OpenCensus `fileName`/`lineNumber`). Everything here is text from
 * an app: it is bounded, and a path that could not be opened safely is kept as text only
 * (`linkable: false`). Plain Node: never import `vscode` here.
 */
import { MAX_OPEN_SOURCE_LINE, MAX_OPEN_SOURCE_PATH, type PanelSourceFrame } from '../../shared/messages';
import type { ExceptionDetail } from '../store/telemetryItem';

/** Frames per exception that become links; a longer stack stays readable in its text. */
export const MAX_LINKED_FRAMES = 200;
/** Characters of stack text scanned for frames (the store keeps 32,768; imports may carry more). */
export const MAX_SCANNED_STACK_CHARS = 262_144;
/** Longest path that becomes a link. */
export const MAX_SOURCE_PATH_LENGTH = MAX_OPEN_SOURCE_PATH;
/** Longest function name kept with a frame. */
const MAX_FUNCTION_LENGTH = 512;
/** Highest line number believed (a line beyond this is not a line of a source file). */
export const MAX_SOURCE_LINE = MAX_OPEN_SOURCE_LINE;

/** C0/C1 controls, and bidi controls that would make a path read differently than it is. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** `  File "/app/x.py", line 12, in handler` (CPython's traceback module). */
const PYTHON_FRAME = /^\s*File "([^"\n]{1,4096})", line (\d{1,9})(?:, in (.{1,512}))?\s*$/;
/** Installed packages and the standard library: shown dimmed, never mapped into the workspace. */
const LIBRARY_PATH = /[\\/](?:site-packages|dist-packages)[\\/]|[\\/]lib[\\/]python\d+(?:\.\d+)?[\\/]|^<frozen /i;

/** Whether a path is an installed library's or the standard library's (dimmed in the panel). */
export function isLibraryPath(file: string): boolean {
  return LIBRARY_PATH.test(file);
}

/**
 * Whether a path is worth a link: a file path or `file:` URL of sane length without control
 * characters. UNC paths (`\\host\share`, and `file://host/…`) reach out to another machine
 * (Windows sends the user's credentials), pseudo-files (`<stdin>`, `<frozen os>`) and other schemes
 * (`node:internal/…`, `https:`) are no files: all of these stay text.
 */
export function isLinkablePath(file: string): boolean {
  if (file.length === 0 || file.length > MAX_SOURCE_PATH_LENGTH || UNSAFE_CHARACTERS.test(file)) return false;
  if (file.startsWith('<')) return false;
  if (/^[\\/]{2}/.test(file)) return false;
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(file)?.[1];
  if (scheme !== undefined) {
    if (scheme.toLowerCase() !== 'file') return false;
    // file:///path and file:/path are local; file://host/path is a UNC path.
    const rest = file.slice(scheme.length + 1);
    if (rest.startsWith('//') && !rest.startsWith('///') && !/^\/\/localhost\//i.test(rest)) return false;
  }
  return true;
}

function lineNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= MAX_SOURCE_LINE ? number : undefined;
}

function frame(file: string, line: unknown, functionName: unknown): PanelSourceFrame {
  const result: { -readonly [K in keyof PanelSourceFrame]: PanelSourceFrame[K] } = { file: file.slice(0, MAX_SOURCE_PATH_LENGTH) };
  const number = lineNumber(line);
  if (number !== undefined) result.line = number;
  if (typeof functionName === 'string' && functionName !== '') result.function = functionName.slice(0, MAX_FUNCTION_LENGTH);
  if (isLibraryPath(file)) result.library = true;
  if (!isLinkablePath(file)) result.linkable = false;
  return result;
}

/**
 * Python traceback frames in `text`, in the order printed (innermost last), at most `limit`. Chained
 * tracebacks ("During handling of the above exception…") contribute all their frames.
 */
export function pythonTracebackFrames(text: string, limit = MAX_LINKED_FRAMES): PanelSourceFrame[] {
  const frames: PanelSourceFrame[] = [];
  const scanned = text.length > MAX_SCANNED_STACK_CHARS ? text.slice(0, MAX_SCANNED_STACK_CHARS) : text;
  let start = 0;
  while (start < scanned.length && frames.length < limit) {
    let end = scanned.indexOf('\n', start);
    if (end < 0) end = scanned.length;
    const line = scanned.slice(start, end);
    // Cheap test first: most lines of a traceback are code or the message.
    if (line.length <= 4200 && line.trimStart().startsWith('File "')) {
      const match = PYTHON_FRAME.exec(line.replace(/\r$/, ''));
      if (match) frames.push(frame(match[1]!, match[2], match[3]));
    }
    start = end + 1;
  }
  return frames;
}

/**
 * The frames of one exception: its parsed stack when the SDK sent one (Breeze `parsedStack`, level
 * 0 innermost; returned innermost last like a Python traceback), else the frames in its stack text.
 */
export function exceptionFrames(
  detail: Pick<ExceptionDetail, 'parsedStack' | 'stack' | 'message'>,
  limit = MAX_LINKED_FRAMES,
): PanelSourceFrame[] {
  const parsed = Array.isArray(detail.parsedStack) ? detail.parsedStack : [];
  const withFiles = parsed.filter((entry) => typeof entry.fileName === 'string' && entry.fileName !== '');
  if (withFiles.length > 0) {
    const ordered = [...withFiles].sort((a, b) => (b.level ?? 0) - (a.level ?? 0));
    // The innermost frames matter most: keep the last `limit`.
    return ordered.slice(-limit).map((entry) => frame(entry.fileName!, entry.line, entry.method));
  }
  if (typeof detail.stack === 'string') return pythonTracebackFrames(detail.stack, limit);
  // OpenCensus's log exporter puts the traceback in the message ("caught it\nTraceback …").
  if (typeof detail.message === 'string' && detail.message.includes('Traceback (most recent call last)'))
    return pythonTracebackFrames(detail.message, limit);
  return [];
}

/**
 * The code location of a log record from its custom dimensions: OpenTelemetry's
 * `code.filepath`/`code.lineno`/`code.function` (also `code.file.path`/`code.line.number`/
 * `code.function.name` of newer semantic conventions) or OpenCensus's `fileName`/`lineNumber`/`module`.
 */
export function logSourceLocation(properties: Readonly<Record<string, string>> | undefined): PanelSourceFrame | undefined {
  if (!properties || typeof properties !== 'object') return undefined;
  const pick = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
      if (typeof value === 'string' && value !== '') return value;
    }
    return undefined;
  };
  const file = pick('code.filepath', 'code.file.path', 'fileName');
  if (file === undefined) return undefined;
  return frame(file, pick('code.lineno', 'code.line.number', 'lineNumber'), pick('code.function', 'code.function.name', 'funcName'));
}

/** The innermost frame that is the app's own code (not a library's), if any. */
export function innermostAppFrame(frames: readonly PanelSourceFrame[]): PanelSourceFrame | undefined {
  for (let index = frames.length - 1; index >= 0; index--) {
    const candidate = frames[index]!;
    if (!candidate.library && candidate.linkable !== false && candidate.line !== undefined) return candidate;
  }
  return undefined;
}
