type NumberArray = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** A copy of `a` with room for `size` elements (the rest zero), of the same kind. */
export function resized<T extends NumberArray>(a: T, size: number): T {
  const next = new (a.constructor as new (length: number) => T)(size);
  next.set(a as ArrayLike<number>);
  return next;
}
