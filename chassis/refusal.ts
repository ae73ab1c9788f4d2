/**
 * A request the device refuses. The message is what follows `error: ` on the CLI; the device
 * state is unchanged when one is thrown.
 */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}
