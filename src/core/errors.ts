/**
 * Bad input from a user: a flag, a file, a model, a length. Its message is one line that says what is wrong and,
 * where it helps, what to do. The CLI prints it as `error: <message>` and exits with code 2.
 * Any other exception escaping the library is a bug.
 */
export class ParityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParityError';
  }
}
