import { EventEmitter } from 'node:events';

/** The parts of mysql2's core connection and Query command a row source needs. */
interface CoreConnection {
  pause(): void;
  resume(): void;
}
type QueryCommand = Pick<EventEmitter, 'on' | 'removeListener'>;
type Listener = Parameters<EventEmitter['on']>[1];

/**
 * A streaming query's rows as the few stream events streamBatches listens to (`data`, `end`,
 * `error`, `close`), taken straight from mysql2's Query command. mysql2's own `.stream()` wraps it in
 * an object-mode Readable, which costs a push, a buffer entry and a second event for every row; here
 * a row is one event, and pausing pauses the connection's socket as `.stream()` does.
 */
export class QueryRows extends EventEmitter {
  private done = false;
  /** The one `data` listener, called directly: an emit would cost an argument array per row. */
  private dataListener: ((row: unknown) => void) | undefined;
  private readonly onResult = (row: unknown) => {
    if (!this.done) this.dataListener?.(row);
  };
  private readonly onError = (error?: Error) => this.destroy(error);
  private readonly onEnd = () => {
    if (this.done) return;
    this.done = true;
    this.detach();
    this.emit('end');
    this.emit('close');
  };

  constructor(
    private readonly query: QueryCommand,
    private readonly connection: CoreConnection,
  ) {
    super();
    query.on('result', this.onResult);
    query.on('error', this.onError);
    query.on('end', this.onEnd);
  }

  override on(event: string | symbol, listener: Listener): this {
    if (event !== 'data') return super.on(event, listener);
    if (this.dataListener) throw new Error('QueryRows takes one data listener');
    this.dataListener = listener as (row: unknown) => void;
    return this;
  }

  override off(event: string | symbol, listener: Listener): this {
    if (event !== 'data') return super.off(event, listener);
    if (this.dataListener === listener) this.dataListener = undefined;
    return this;
  }

  pause(): this {
    this.connection.pause();
    return this;
  }

  resume(): this {
    this.connection.resume();
    return this;
  }

  /** Stops listening; with an error, says so first. The caller ends the connection itself. */
  destroy(error?: Error): this {
    if (this.done) return this;
    this.done = true;
    this.detach();
    this.connection.resume(); // a paused connection would hold its socket's data forever
    if (error) this.emit('error', error);
    this.emit('close');
    return this;
  }

  private detach(): void {
    this.query.removeListener('result', this.onResult);
    this.query.removeListener('error', this.onError);
    this.query.removeListener('end', this.onEnd);
  }
}
