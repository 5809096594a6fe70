using Softr.Functions.SharedBudget;

namespace Softr.Functions.Tests.SharedBudget;

/// <summary>The shared budget's arithmetic, without storage (issue #13, item 1).</summary>
public sealed class SeatPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 3)]
    [InlineData(1000, 201)] // rounded up, the old share gave 5 each: 201 x 5 > 1000, and the last to come held none
    [InlineData(1000, 1000)]
    [InlineData(150, 7)]
    public void FairShares_AddUpToTheSeats_AndDifferByAtMostOne(int seats, int instances)
    {
        var members = Members(instances);

        var shares = members.Select(me => SeatPlanner.FairShare(seats, members, me)).ToList();

        Assert.Equal(seats, shares.Sum());
        Assert.True(shares.Max() - shares.Min() <= 1, $"shares from {shares.Min()} to {shares.Max()}");
        Assert.All(shares, share => Assert.True(share >= 1));
    }

    [Fact]
    public void MoreInstancesThanSeats_TheExtraOnesHoldNone()
    {
        var members = Members(12);

        var shares = members.Select(me => SeatPlanner.FairShare(10, members, me)).ToList();

        Assert.Equal(10, shares.Sum());
        Assert.Equal(2, shares.Count(share => share == 0));
    }

    [Fact]
    public void AnInstanceNotYetListed_CountsItself()
    {
        Assert.Equal(5, SeatPlanner.FairShare(10, ["a"], "b"));
        Assert.Equal(10, SeatPlanner.FairShare(10, [], "a"));
    }

    [Fact]
    public void InstancesReadingTheSameMembers_ClaimDisjointHomeSeats()
    {
        var members = Members(7);
        var empty = Enumerable.Range(0, 150).Select(seat => new SeatView(seat, null, null)).ToList();

        var claims = members.SelectMany(me => SeatPlanner.Plan(150, empty, Joined(members), new SeatMember(me, Now), Now).Claim).ToList();

        Assert.Equal(150, claims.Count);
        Assert.Equal(150, claims.Distinct().Count());
    }

    [Fact]
    public void SurplusSeats_AreFreed_AndTheShareKept()
    {
        // "a" held all ten alone; "b" has come.
        var views = Enumerable.Range(0, 10).Select(seat => new SeatView(seat, "a", Now.AddSeconds(5))).ToList();

        var plan = SeatPlanner.Plan(10, views, Joined(["a", "b"]), new SeatMember("a", Now), Now);

        Assert.Equal(5, plan.FairShare);
        Assert.Equal([0, 1, 2, 3, 4], plan.Renew); // its home seats
        Assert.Equal([5, 6, 7, 8, 9], plan.Free);
        Assert.Empty(plan.Claim);
    }

    [Fact]
    public void OnlyFreeOrExpiredSeats_AreClaimed()
    {
        List<SeatView> views =
        [
            new(0, "other", Now.AddSeconds(1)), // held
            new(1, "other", Now), // lease ended just now
            new(2, "", Now.AddSeconds(-3)), // freed
            new(3, null, null), // never claimed
        ];

        var plan = SeatPlanner.Plan(4, views, Joined(["me"]), new SeatMember("me", Now), Now);

        Assert.Equal([1, 2, 3], plan.Claim.Order());
        Assert.Empty(plan.Renew);
    }

    [Fact]
    public void TooFewFreeSeatsForTheSeatless_GoToTheLongestWaitingFirst_OneEach()
    {
        // Ten seats: eight held by "old" (due 2 now), two free; four newcomers hold none, each due 2.
        var views = Enumerable.Range(0, 10).Select(seat => seat < 8 ? new SeatView(seat, "old", Now.AddSeconds(5)) : new SeatView(seat, null, null)).ToList();
        List<SeatMember> members = [new("old", Now.AddMinutes(-5)), new("n1", Now.AddSeconds(-3)), new("n2", Now.AddSeconds(-1)), new("n3", Now.AddSeconds(-2)), new("n4", Now)];

        var claims = members.Skip(1).ToDictionary(member => member.Id, member => SeatPlanner.Plan(10, views, members, member, Now).Claim.Count);

        Assert.Equal(new Dictionary<string, int> { ["n1"] = 1, ["n3"] = 1, ["n2"] = 0, ["n4"] = 0 }, claims);
    }

    [Fact]
    public void FreeSeatsEnoughForEveryShortfall_AreClaimedInFull()
    {
        var views = Enumerable.Range(0, 10).Select(seat => new SeatView(seat, null, null)).ToList();

        var plan = SeatPlanner.Plan(10, views, Joined(["a", "b"]), new SeatMember("b", Now), Now);

        Assert.Equal(5, plan.Claim.Count);
    }

    private static List<SeatMember> Joined(IEnumerable<string> ids) => [.. ids.Select(id => new SeatMember(id, Now))];

    private static List<string> Members(int count) => [.. Enumerable.Range(0, count).Select(index => $"instance-{index:D4}")];

    /// <summary>
    /// Issue #25: across instances, the seats follow what waits. An instance with normal calls waiting gets most of the
    /// seats from one draining an import, and one with a high call waiting most of them from both; the import keeps one.
    /// </summary>
    [Fact]
    public void TheSeatsFollowWhatWaits_NormalOverBulk_HighOverBoth_AndBulkKeepsASeat()
    {
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
        var free = Enumerable.Range(0, 30).Select(seat => new SeatView(seat, null, null)).ToList();
        int ShareOf(string id, params SeatMember[] members) =>
            SeatPlanner.Plan(30, free, members, members.Single(member => member.Id == id), now).FairShare;
        var import = new SeatMember("a", now, SeatPlanner.WeightOf(normalWaiting: 0, highWaiting: 0));
        var signups = new SeatMember("b", now, SeatPlanner.WeightOf(normalWaiting: 40, highWaiting: 0));
        var payment = new SeatMember("c", now, SeatPlanner.WeightOf(normalWaiting: 0, highWaiting: 5));

        var twoWays = (Import: ShareOf("a", import, signups), Signups: ShareOf("b", import, signups));
        var threeWays = (Import: ShareOf("a", import, signups, payment), Signups: ShareOf("b", import, signups, payment), Payment: ShareOf("c", import, signups, payment));

        Assert.Equal(30, twoWays.Import + twoWays.Signups);
        Assert.True(twoWays.Signups >= 25 && twoWays.Import >= 1, $"import {twoWays.Import}, signups {twoWays.Signups}");
        Assert.Equal(30, threeWays.Import + threeWays.Signups + threeWays.Payment);
        Assert.True(threeWays.Payment > threeWays.Signups && threeWays.Signups > threeWays.Import && threeWays.Import >= 1, threeWays.ToString());
        // Nothing waiting anywhere: the even split, as before weights.
        Assert.Equal(15, ShareOf("a", new SeatMember("a", now), new SeatMember("b", now)));
    }
}
