/**
 * How many items at the front of `list` pass `before`, for a list sorted so that every item
 * passing it comes before every item that does not (a binary search: log n steps).
 */
export function partitionPoint<T>(list: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
