// Cooperative time slicing for long answers. A report over thousands of objects is mostly
// synchronous work (parsing, matching, expanding, serializing) between awaits that resolve at
// once, so without a pause it holds the event loop until it is done and every other request on
// the process waits. Giving the loop a turn every few milliseconds lets them through meanwhile.
// On Workers the clock stands still while a request computes, so no slice ever ends there: each
// request has an isolate's event loop to itself anyway, and the platform bounds its CPU time.

/** Milliseconds of work between two turns given to the event loop. */
const SLICE_MS = 20;

/**
 * A pause to await between units of work: it gives the event loop a turn (a timer, so that I/O
 * callbacks run too) once SLICE_MS have passed since the last one. Otherwise it returns nothing
 * rather than a resolved promise, so that a loop over thousands of members awaits only when it
 * must (`const paused = pause(); if (paused) await paused;`); awaiting it always works too.
 */
export function timeSlicer(): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        sliceStart = performance.now();
        resolve();
      }, 0),
    );
  };
}
