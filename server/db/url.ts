export type DatabaseKind = 'sqlite' | 'postgresql';

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(`unsupported DATABASE_URL "${url}": use file:<path> or postgresql://…`);
}

export function sqliteFile(url: string): string {
  return url.slice('file:'.length);
}
