/**
 * Smooth weighted round robin (nginx's): every pick adds each member's weight to its credit and
 * takes the member with the most, which then pays the total back. A 3:1 split comes out a a b a,
 * interleaved rather than in bursts. Members with weight 0 are never picked; with none left the
 * picker answers undefined.
 *
 * The HTTP side's `EdfScheduler` is also smooth but orders ties differently; TCP and UDP keep this
 * one so their pick sequences stay as they were.
 */
export function smoothWeightedRoundRobin<T>(members: readonly { item: T; weight: number }[]): () => T | undefined {
  const credits = members.map((member) => ({ ...member, credit: 0 }));
  const total = members.reduce((sum, member) => sum + member.weight, 0);
  return () => {
    let best: (typeof credits)[number] | undefined;
    for (const member of credits) {
      member.credit += member.weight;
      if (member.weight > 0 && (!best || member.credit > best.credit)) best = member;
    }
    if (!best) return undefined;
    best.credit -= total;
    return best.item;
  };
}
