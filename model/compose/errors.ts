/** A request that cannot be composed as asked: its message is meant for the person who asked. */
export class ComposeError extends Error {
  override name = 'ComposeError';
}
