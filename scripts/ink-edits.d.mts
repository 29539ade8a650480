export const inkCacheLimit: number;
export const inkEditedFiles: RegExp;
export function editInkSource(name: string, contents: string): string;
