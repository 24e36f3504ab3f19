/**
 * Everything one telemetry item carries, readable: fields, message with its newlines, exception
 * stacks in monospace, custom dimensions and measurements. All values are rendered as text.
 */
import { isItemDelivery } from '../../shared/delivery';
import type { PanelGenAi, PanelGenAiPart, PanelItem, PanelSourceFrame } from '../../shared/messages';
import { deliveryIcon, deliverySentence } from '../deliveryText';
import { type Child, expandableText, h, icon, SHORT_TEXT_LIMIT, telemetryText } from '../dom';
import { formatDuration, formatTime, formatValue, severityName, tableLabel } from '../format';
import { t } from '../l10n';
import { itemTitle, operationKey } from '../model/correlation';
import { itemCountOf, sampledRate } from '../model/sampling';

export interface ItemDetailsActions {
  /** Shown as a link when the item belongs to a transaction. */
  showTransaction?(operationId: string): void;
  copy(text: string): void;
  /** Opens the file a stack frame or log record names; the host checks the path (issue 18). */
  openSource?(file: string, line: number | undefined): void;
}

export function renderItemDetails(item: PanelItem, actions: ItemDetailsActions): HTMLElement {
  const operationId = operationKey(item);
  const fields: [string, string | undefined][] = [
    [t('Table'), item.table],
    [t('Time'), `${new Date(item.time).toLocaleDateString()} ${formatTime(item.time)}`],
    [t('Duration'), item.duration === undefined ? undefined : formatDuration(item.duration)],
    [t('Success'), item.success === undefined ? undefined : String(item.success)],
    [t('Result code'), item.resultCode],
    [t('Severity'), item.severity === undefined ? undefined : `${severityName(item.severity)} (${item.severity})`],
    [t('Type'), item.type],
    [t('Target'), item.target],
    [t('Role'), item.role],
    [t('Role instance'), item.roleInstance],
    [t('Operation id'), operationId ?? item.operationId],
    [t('Parent id'), item.parentId],
    [t('Id'), item.id],
    [t('SDK'), item.sdkVersion],
    [
      t('Sampling'),
      sampledRate(item) === undefined
        ? undefined
        : t('Kept at {0}%: this item stands for {1} items (itemCount).', formatValue(sampledRate(item)), itemCountOf(item)),
    ],
  ];
  const toolbar = h(
    'div',
    { class: 'details-actions' },
    operationId && actions.showTransaction
      ? h(
          'vscode-button',
          { secondary: true, icon: 'type-hierarchy', on: { click: () => actions.showTransaction?.(operationId) } },
          t('Show transaction'),
        )
      : null,
    h(
      'vscode-button',
      { secondary: true, icon: 'copy', on: { click: () => actions.copy(JSON.stringify(item, null, 2)) } },
      t('Copy as JSON'),
    ),
  );
  const title = itemTitle(item);
  return h(
    'section',
    { class: 'details', 'aria-label': t('Item details') },
    h(
      'header',
      { class: 'details-header' },
      h('span', { class: ['table-tag', `table-${item.table}`] }, tableLabel(item.table)),
      h('span', { class: 'details-title' }, telemetryText(title || t('(no name)'))),
      toolbar,
    ),
    // The title shows the first 1,000 characters of a name; the whole name is here.
    title.length > SHORT_TEXT_LIMIT && typeof item.name === 'string' && title === item.name
      ? section(t('Name'), h('pre', { class: 'message' }, expandableText(item.name)))
      : null,
    h(
      'dl',
      { class: 'fields' },
      fields
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([name, value]) => [h('dt', null, name), h('dd', null, expandableText(value))]),
    ),
    truncationNote(item),
    deliverySection(item),
    genAiSection(item),
    item.source && typeof item.source.file === 'string'
      ? section(t('Source location'), h('div', { class: 'source-location' }, sourceFrame(item.source, actions)))
      : null,
    item.table !== 'exceptions' && typeof item.message === 'string' && item.message !== ''
      ? section(t('Message'), h('pre', { class: 'message' }, expandableText(item.message)))
      : null,
    (item.exceptions ?? []).map((exception, index) =>
      section(
        index === 0 ? t('Exception') : t('Inner exception {0}', index),
        h(
          'div',
          { class: 'exception-head' },
          h('span', { class: 'exception-type' }, expandableText(exception.typeName)),
          exception.message ? h('span', { class: 'exception-message' }, expandableText(exception.message)) : null,
        ),
        Array.isArray(exception.frames) && exception.frames.length > 0
          ? h(
              'ol',
              { class: 'frames', 'aria-label': t('Stack frames') },
              exception.frames.map((frame) => h('li', null, sourceFrame(frame, actions))),
            )
          : null,
        exception.stack
          ? h('pre', { class: 'stack', tabindex: '0', 'aria-label': t('Stack trace') }, expandableText(exception.stack))
          : null,
      ),
    ),
    item.metrics?.length
      ? section(
          t('Metrics'),
          table(
            [t('Name'), t('Value'), t('Count'), t('Min'), t('Max')],
            item.metrics.map((metric) => [
              metric.name,
              formatValue(metric.value),
              formatValue(metric.count),
              formatValue(metric.min),
              formatValue(metric.max),
            ]),
          ),
        )
      : null,
    propertySection(t('Custom dimensions (properties)'), item.properties),
    propertySection(t('Custom measurements'), item.measurements),
  );
}

/**
 * One frame: a button with the path, line and function as text (never markup) when the path can be
 * opened, plain text when it cannot (UNC, `node:`, control characters); library code dimmed.
 */
function sourceFrame(frame: PanelSourceFrame, actions: ItemDetailsActions): HTMLElement {
  const line = typeof frame.line === 'number' ? frame.line : undefined;
  const content = [
    h('span', { class: 'frame-file' }, telemetryText(frame.file)),
    line !== undefined ? h('span', { class: 'frame-line' }, `:${line}`) : null,
    typeof frame.function === 'string' ? h('span', { class: 'frame-function' }, ' ', t('in'), ' ', telemetryText(frame.function)) : null,
  ];
  const classes = ['frame', frame.library === true && 'frame-library'];
  const tooltip = frame.library === true ? t('Library code (an installed package or the standard library)') : undefined;
  if (frame.linkable === false || !actions.openSource) {
    return h(
      'span',
      { class: [...classes, 'frame-text'], title: frame.linkable === false ? t('Not a local file: shown as text only.') : tooltip },
      content,
    );
  }
  return h(
    'button',
    {
      type: 'button',
      class: [...classes, 'frame-link'],
      title: tooltip ?? t('Open in the editor'),
      on: { click: () => actions.openSource?.(frame.file, line) },
    },
    content,
  );
}

/**
 * A GenAI call (issue 19): provider, model, operation, tokens, latency, finish reason, and the
 * conversation — every text from the app is set as text (expandableText collapses long content).
 */
function genAiSection(item: PanelItem): HTMLElement | null {
  const genai: PanelGenAi | undefined = item.genai;
  if (typeof genai !== 'object' || genai === null) return null;
  const number = (value: unknown): string | undefined =>
    typeof value === 'number' && Number.isFinite(value) ? formatValue(value) : undefined;
  const fields: [string, string | undefined][] = [
    [t('Provider'), typeof genai.provider === 'string' ? genai.provider : undefined],
    [t('Operation'), typeof genai.operation === 'string' ? genai.operation : undefined],
    [
      t('Model'),
      typeof genai.responseModel === 'string' && genai.responseModel !== genai.requestModel
        ? `${String(genai.requestModel ?? '')} → ${genai.responseModel}`
        : typeof genai.requestModel === 'string'
          ? genai.requestModel
          : undefined,
    ],
    [t('Input tokens'), number(genai.inputTokens)],
    [t('Output tokens'), number(genai.outputTokens)],
    [t('Latency'), item.duration === undefined ? undefined : formatDuration(item.duration)],
    [
      t('Finish reason'),
      Array.isArray(genai.finishReasons) && genai.finishReasons.length > 0 ? genai.finishReasons.map(String).join(', ') : undefined,
    ],
  ];
  const messages = Array.isArray(genai.messages) ? genai.messages : [];
  return section(
    t('GenAI call'),
    h(
      'dl',
      { class: 'fields genai-fields' },
      fields
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([name, value]) => [h('dt', null, name), h('dd', null, expandableText(value))]),
    ),
    genai.contentHidden === true
      ? h('p', { class: 'genai-hidden' }, t('Message content is hidden (setting azureMonitorPython.genai.showMessageContent).'))
      : null,
    messages.length > 0
      ? h(
          'ol',
          { class: 'genai-conversation', 'aria-label': t('Conversation') },
          messages.map((message) =>
            h(
              'li',
              {
                class: [
                  'genai-message',
                  `genai-role-${/^(system|user|assistant|tool)$/.test(String(message.role)) ? String(message.role) : 'other'}`,
                ],
              },
              h(
                'div',
                { class: 'genai-role' },
                telemetryText(message.role),
                typeof message.finishReason === 'string'
                  ? h('span', { class: 'genai-finish' }, ' · ', telemetryText(message.finishReason))
                  : null,
              ),
              (Array.isArray(message.parts) ? message.parts : []).map((part: PanelGenAiPart) => genAiPart(part)),
            ),
          ),
        )
      : null,
  );
}

function genAiPart(part: PanelGenAiPart): HTMLElement {
  if (part.kind === 'tool_call' || part.kind === 'tool_result') {
    const label = part.kind === 'tool_call' ? t('Tool call') : t('Tool result');
    return h(
      'div',
      { class: ['genai-part', `genai-${part.kind}`] },
      h(
        'span',
        { class: 'genai-part-label' },
        label,
        part.name ? ' ' : '',
        part.name ? telemetryText(part.name) : null,
        part.id ? h('span', { class: 'genai-call-id' }, ' (', telemetryText(part.id), ')') : null,
      ),
      typeof part.text === 'string' ? h('pre', { class: 'message genai-arguments' }, expandableText(part.text)) : null,
    );
  }
  return h(
    'div',
    { class: 'genai-part genai-text' },
    typeof part.text === 'string' ? h('pre', { class: 'message' }, expandableText(part.text)) : null,
  );
}

/** Whether the item reached Azure Monitor, waits on disk, stays local, or was dropped and why (issue 19). */
function deliverySection(item: PanelItem): HTMLElement | null {
  const delivery = item.delivery;
  if (!isItemDelivery(delivery)) return null;
  return section(
    t('Delivery to Azure Monitor'),
    h(
      'p',
      { class: ['delivery-line', `delivery-${delivery.state}`], 'data-delivery': delivery.state },
      icon(deliveryIcon(delivery.state)),
      ' ',
      deliverySentence(delivery),
    ),
    // The service's words about the item: untrusted text, shown as text only.
    typeof delivery.message === 'string' && delivery.message !== ''
      ? h(
          'div',
          { class: 'delivery-message' },
          h('span', { class: 'delivery-message-label' }, t("The service's message")),
          ' ',
          expandableText(delivery.message),
        )
      : null,
  );
}

/** Which fields the relay cut, as Azure Monitor will: one small line each. */
function truncationNote(item: PanelItem): HTMLElement | null {
  const truncated = Array.isArray(item.truncated) ? item.truncated : [];
  if (truncated.length === 0) return null;
  return h(
    'ul',
    { class: 'truncation-note' },
    truncated.map((entry) =>
      h(
        'li',
        null,
        entry.entries
          ? t('{0}: only the first {1} entries are kept (a limit of the relay).', String(entry.field), String(entry.limit))
          : t('{0}: truncated to {1} characters, as Azure Monitor does.', String(entry.field), String(entry.limit)),
      ),
    ),
  );
}

function section(title: string, ...content: Child[]): HTMLElement {
  return h('section', { class: 'details-section' }, h('h3', null, title), ...content);
}

function propertySection(title: string, values: Readonly<Record<string, string | number>> | undefined): HTMLElement | null {
  if (!values || typeof values !== 'object') return null;
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  entries.sort(([a], [b]) => a.localeCompare(b));
  return section(
    title,
    table(
      [t('Name'), t('Value')],
      entries.map(([key, value]) => [key, typeof value === 'number' ? formatValue(value) : String(value)]),
    ),
  );
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): HTMLElement {
  return h(
    'table',
    { class: 'kv' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((header) => h('th', null, header)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) =>
        h(
          'tr',
          null,
          row.map((cell) => h('td', null, expandableText(cell))),
        ),
      ),
    ),
  );
}
