export const inkCacheLimit: number;
export const editedFiles: RegExp;
export function packageFileOf(path: string): string;
export function editPackageSource(file: string, contents: string): string;
export const fastStringWidth: string;
export function stringWidthFor(importer: string): string | undefined;
export const changedPackages: string[];
