// The `smpp` package ships no types; source/smpp/wire.ts is the only module that imports it
// and gives the rest of the code a typed face.
declare module 'smpp' {
	const smpp: unknown;
	export default smpp;
}
