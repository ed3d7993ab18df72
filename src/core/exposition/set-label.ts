/**
 * Sets one label on a label object. `__proto__` is a valid label name, but assigned as a plain
 * property it would replace the object's prototype instead of adding a label.
 */
export function setLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    labels[name] = value;
  }
}
