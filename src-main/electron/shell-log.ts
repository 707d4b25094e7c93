// The logger subset the shell uses (pino-compatible: object first, message second), so modules can be given the
// app's pino logger or a recorder in tests.
export interface ShellLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
