/** StartupError is a failure to start serving, told in one line an operator can act on. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
