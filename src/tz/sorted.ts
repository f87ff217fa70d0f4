// Binary search over ascending arrays of instants (transition times, onsets).

/** Index of the first value >= target; values.length when there is none. */
export function firstAtOrAfter(values: readonly number[], target: number): number {
  return partitionPoint(values, (value) => value < target);
}

/** Index of the last value <= target; -1 when there is none. */
export function lastAtOrBefore(values: readonly number[], target: number): number {
  return partitionPoint(values, (value) => value <= target) - 1;
}

/** The first index whose value fails `before` (which holds for a prefix of the array). */
function partitionPoint(values: readonly number[], before: (value: number) => boolean): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(values[mid] as number)) low = mid + 1;
    else high = mid;
  }
  return low;
}
