/** Buffers a thread keeps for reuse; a few batches' worth, so memory stays bounded. */
const KEPT = 16;

/**
 * The COPY buffers of a loader thread, recycled: each batch's buffers go to the main thread by
 * transfer and come back with its acknowledgement, once written. Without this, every batch would
 * allocate megabytes in the thread's malloc arena and free them in another thread, and the arena
 * would grow by tens of megabytes that never go back to the system.
 */
export class BufferPool {
  private readonly spare: ArrayBuffer[] = [];

  /** A buffer of at least `bytes`: a returned one when one is large enough, else a new one. */
  readonly take = (bytes: number): Buffer => {
    const at = this.spare.findIndex((b) => b.byteLength >= bytes);
    if (at < 0) return Buffer.allocUnsafeSlow(bytes);
    return Buffer.from(this.spare.splice(at, 1)[0]!);
  };

  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      if (this.spare.length >= KEPT) return;
      if (buffer.byteLength > 0) this.spare.push(buffer);
    }
  }
}
