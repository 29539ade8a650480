// Growing the typed arrays the engine and the summary keep their numbers in.

type Typed = Float64Array | Int32Array | Uint8Array;

/** A typed array of twice the length (one, for none) holding `array`'s values first (the rest zero). */
export function doubled<T extends Typed>(array: T): T {
	const grown = new (array.constructor as new (length: number) => T)(Math.max(1, array.length * 2));
	grown.set(array);
	return grown;
}
