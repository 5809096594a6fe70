namespace Softr.Functions.SharedBudget;

/// <summary>
/// The shared budget's arithmetic, pure: given the seats and the live instances as one read saw them,
/// what this instance should hold. Storage applies the plan (<see cref="TableRateBudget"/>); tests and the
/// simulation run it on a fake clock without storage.
/// <list type="bullet">
/// <item><b>Fair share, by what waits.</b> The live instances, sorted by id, each get one seat, and the rest in
/// proportion to their weights (<see cref="WeightOf"/>: 100 with a high call waiting, 10 with a normal one, else
/// 1), by largest remainders, ties to the first in order. So the instance with a paying
/// customer's call waiting gets most of the seats, while an instance draining an import keeps at least one. With
/// equal weights this is the even split: <c>seats / n</c> each, the first <c>seats % n</c> one more. The shares add
/// up to exactly the seats, so no seat is left idle and no instance is left without one while there are at least as
/// many seats as instances.</item>
/// <item><b>Home seats.</b> Instance number <c>r</c> in that order has a contiguous range of seats of its
/// own. It keeps and claims those first, so instances that read the same members never claim the same
/// seat, and a claim (conditional on the seat being as read) rarely loses a race.</item>
/// <item><b>Only free seats are claimed</b>: never claimed, freed, or past their lease. A holder stops
/// using a seat before its lease ends, so a seat is never used by two instances at once.</item>
/// </list>
/// </summary>
public static class SeatPlanner
{
    /// <summary>The weight of an instance with only bulk calls waiting, or none.</summary>
    public const int BulkWeight = 1;

    /// <summary>With normal calls waiting: ten times bulk's, so bulk's share across instances is about its floor of one turn in ten within one.</summary>
    public const int NormalWeight = 10;

    /// <summary>With a high call waiting: ten times normal's, so a paying customer's instance gets most of the seats.</summary>
    public const int HighWeight = 100;

    /// <summary>
    /// An instance's weight in the split: by the highest priority it has waiting, not by how many. Counts change with every
    /// call, and every change moved seats between instances, each idle until its new holder claimed it: three hosts
    /// draining one lane lost about a tenth of the rate so (docs/benchmarks.md). The class changes only when a lane
    /// starts or stops waiting.
    /// </summary>
    /// <remarks>Bulk calls waiting weigh as nothing waiting: bulk is what the others leave.</remarks>
    public static int WeightOf(int normalWaiting, int highWaiting) =>
        highWaiting > 0 ? HighWeight : normalWaiting > 0 ? NormalWeight : BulkWeight;

    /// <summary>This instance's fair share among <paramref name="liveMembers"/> of equal weight (it counts itself, listed or not).</summary>
    public static int FairShare(int seats, IReadOnlyCollection<string> liveMembers, string me)
    {
        var sorted = Sorted(liveMembers, me);
        return Dues(seats, sorted, _ => 1)[sorted.BinarySearch(me, StringComparer.Ordinal)].Due;
    }

    /// <param name="liveMembers">The live instances as read, each with the time it joined.</param>
    /// <param name="me">This instance, with the time it joined.</param>
    public static SeatPlan Plan(int seats, IReadOnlyList<SeatView> views, IReadOnlyCollection<SeatMember> liveMembers, SeatMember me, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(liveMembers);
        ArgumentNullException.ThrowIfNull(me);
        var members = liveMembers.Where(member => member.Id != me.Id).Append(me).ToList();
        var ids = Sorted([.. members.Select(member => member.Id)], me.Id);
        var weightOf = members.GroupBy(member => member.Id, StringComparer.Ordinal).ToDictionary(group => group.Key, group => Math.Max(1, group.Last().Weight),
            StringComparer.Ordinal);
        var dues = Dues(seats, ids, id => weightOf[id]);
        var rankOf = ids.Select((id, rank) => (id, rank)).ToDictionary(entry => entry.id, entry => entry.rank, StringComparer.Ordinal);
        var myRank = rankOf[me.Id];
        var home = (Start: dues.Take(myRank).Sum(due => due.Due), Count: dues[myRank].Due);
        var held = views.Where(view => !view.IsFree(now)).GroupBy(view => view.Holder!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var freeSeats = views.Where(view => view.IsFree(now)).Select(view => view.Index).ToList();
        // Those due a seat and holding none, longest-waiting first (with more instances than seats, the last in order are due none).
        var seatless = members.Where(member => held.GetValueOrDefault(member.Id) == 0 && dues[rankOf[member.Id]].Due > 0)
            .OrderBy(member => member.Since).ThenBy(member => member.Id, StringComparer.Ordinal).ToList();

        // While some are seatless and the free seats cannot seat them all, no one keeps more than its
        // floor: the extra seats a stale view of the members (or of their weights) can leave an instance go back.
        var share = seatless.Count > freeSeats.Count ? Math.Min(home.Count, Math.Max(1, dues[myRank].Floor)) : home.Count;
        // Home seats first, then the others onwards from home, round the ring: instances short of seats
        // each look from their own place, so they do not all race for the same few free ones.
        int Preference(int index) => (index - home.Start + seats) % seats;
        var mine = views.Where(view => view.IsHeldBy(me.Id, now)).Select(view => view.Index).OrderBy(Preference).ToList();
        var keep = mine.Take(share).ToList();
        var shortfall = ids.Select((id, rank) => Math.Max(0, dues[rank].Due - held.GetValueOrDefault(id))).Sum();
        var claims = Claims(me, home.Count - keep.Count, freeSeats, seatless, shortfall, Preference);
        return new SeatPlan(home.Count, keep, mine.Skip(share).ToList(), claims);
    }

    /// <summary>
    /// Which free seats to claim now. All it is short of, when there are free seats enough for every
    /// instance's shortfall. Otherwise (instances are joining, and the others have not yet freed their
    /// surplus) the free seats are rationed, so that the first to write does not take its whole share
    /// while another is left with none:
    /// <list type="number">
    /// <item>each instance holding no seat gets one first, the longest-waiting first when there are too
    /// few even for that: the k-th of them in that order takes the k-th free seat, so those that read
    /// alike never race for a seat;</item>
    /// <item>what is left is shared in proportion to what each is short of.</item>
    /// </list>
    /// </summary>
    private static List<int> Claims(SeatMember me, int wanted, List<int> free, List<SeatMember> seatless, int shortfall, Func<int, int> preference)
    {
        if (wanted <= 0 || free.Count == 0)
        {
            return [];
        }
        if (shortfall <= free.Count)
        {
            return [.. free.OrderBy(preference).Take(wanted)];
        }
        var place = seatless.FindIndex(member => member.Id == me.Id);
        var reserved = Math.Min(seatless.Count, free.Count);
        var claims = place >= 0 && place < reserved ? [free[place]] : new List<int>();
        if (free.Count > seatless.Count)
        {
            var more = (int)((long)(wanted - claims.Count) * (free.Count - seatless.Count) / Math.Max(1, shortfall - seatless.Count));
            claims.AddRange(free.Skip(reserved).OrderBy(preference).Take(more));
        }
        return claims;
    }

    /// <summary>
    /// The seats each instance is due, in order, and its floor (what it is due before the remainders are handed out).
    /// With at least as many seats as instances: one each, the rest in proportion to the weights, the seats left by
    /// rounding down to the largest remainders (ties to the first in order). With fewer: one each to the first in order.
    /// Every instance that reads the same members works out the same dues; its home range starts after those before it.
    /// </summary>
    private static (int Due, int Floor)[] Dues(int seats, List<string> sorted, Func<string, int> weightOf)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seats);
        var dues = new (int Due, int Floor)[sorted.Count];
        if (seats < sorted.Count)
        {
            for (var rank = 0; rank < seats; rank++)
            {
                dues[rank] = (1, 0);
            }
            return dues;
        }
        long rest = seats - sorted.Count;
        var total = sorted.Sum(id => (long)weightOf(id));
        var remainders = new long[sorted.Count];
        var given = 0L;
        for (var rank = 0; rank < sorted.Count; rank++)
        {
            var quota = rest * weightOf(sorted[rank]);
            var floor = 1 + (int)(quota / total);
            dues[rank] = (floor, floor);
            remainders[rank] = quota % total;
            given += quota / total;
        }
        foreach (var rank in Enumerable.Range(0, sorted.Count).OrderByDescending(rank => remainders[rank]).ThenBy(rank => rank).Take((int)(rest - given)))
        {
            dues[rank].Due++;
        }
        return dues;
    }

    /// <summary>The live instances, this one included, in the order every instance agrees on.</summary>
    private static List<string> Sorted(IReadOnlyCollection<string> liveMembers, string me)
    {
        ArgumentNullException.ThrowIfNull(liveMembers);
        return [.. liveMembers.Append(me).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
