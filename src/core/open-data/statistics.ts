/** A count in a published table: a number, or "<k" when it is small enough to single someone out. */
export type SuppressedCount = number | `<${number}`;

export const suppressCount = (count: number, minCell: number): SuppressedCount => (count > 0 && count < minCell ? `<${minCell}` : count);

export type StatsCell = { cases: number; replied: number; repliedOnTime: number };

/**
 * A row of the public statistics. Counts under the threshold are suppressed, and so are the rates computed
 * from them (a 0 % or 100 % rate over two cases says as much as the count). Zero stays zero: it singles no one out.
 */
export const publicStatsRow = (cell: StatsCell, minCell: number) => {
  const isSmall = cell.cases > 0 && cell.cases < minCell;
  return {
    cases: suppressCount(cell.cases, minCell),
    replied: isSmall ? (`<${minCell}` as const) : suppressCount(cell.replied, minCell),
    replyRate: isSmall || cell.cases === 0 ? null : Math.round((cell.replied / cell.cases) * 1000) / 1000,
    onTimeRate: isSmall || cell.replied === 0 || cell.replied < minCell ? null : Math.round((cell.repliedOnTime / cell.replied) * 1000) / 1000,
  };
};

/** The public status of a case: still being handled, answered, or closed (rejected and merged cases are closed). */
export const publicStatusOf = (status: string): 'open' | 'replied' | 'closed' =>
  status === 'replied' || status === 'callback_done' ? 'replied' : status === 'closed' || status === 'rejected' || status === 'merged' ? 'closed' : 'open';
