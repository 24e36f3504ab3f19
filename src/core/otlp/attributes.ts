/**
 * OTLP attribute values → plain values, and plain values → the strings Breeze `properties` hold
 * (as the Azure exporter serialises them: strings as they are, arrays and maps as JSON).
 * Plain Node: never import `vscode` here.
 */
import type { AnyValue, KeyValue } from './otlpModel';

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | undefined;
export type Attributes = Record<string, AttributeValue>;

export function anyValueToPlain(value: AnyValue | undefined): AttributeValue {
  if (!value) {
    return undefined;
  }
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return int64ToPlain(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValueToPlain);
  if (value.kvlistValue !== undefined) return attributesToRecord(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('base64');
  return undefined;
}

/** Later duplicates win, as in the SDKs' attribute maps. Entries without a key are dropped. */
export function attributesToRecord(list: readonly KeyValue[] | undefined): Attributes {
  const record: Attributes = {};
  for (const entry of list ?? []) {
    if (entry.key) {
      record[entry.key] = anyValueToPlain(entry.value);
    }
  }
  return record;
}

/** A decimal int64 string as a number when exact, else kept as the string. */
export function int64ToPlain(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

export function serializeAttribute(value: AttributeValue): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    return JSON.stringify(value);
  }
  return String(value);
}

/** The attribute as a string when present (numbers and booleans too), else undefined. */
export function stringAttribute(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== '' && value !== null) {
      return serializeAttribute(value);
    }
  }
  return undefined;
}
