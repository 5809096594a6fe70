using Softr.Functions.Operations;
using Softr.Functions.Storage;

namespace Softr.Functions.Tests.Operations;

/// <summary>The console's drain estimate per lane (issue #25, item 4): a backlog's depth over the lane's share of the write budget.</summary>
public sealed class LaneSnapshotTests
{
    [Fact]
    public void HighDrainsFirst_NormalAfterIt_AndBulkAtItsTenthUntilTheyAreDone()
    {
        var lanes = LaneSnapshot.Of(
        [
            new(QueueNames.HighEvents, 20, 3), new(QueueNames.HighEventsOverflow, 7, 1),
            new(QueueNames.Events, 216, 40), new(QueueNames.BulkEvents, 300, 600),
        ], writesPerSecond: 30);

        Assert.Equal(["high", "normal", "bulk"], lanes.Select(lane => lane.Lane));
        var (high, normal, bulk) = (lanes[0], lanes[1], lanes[2]);
        Assert.Equal((27, 3.0), (high.Depth, high.OldestAgeSeconds)); // the overflow counts, the oldest is the lane's oldest
        Assert.Equal((27.0, 1.0), (high.SharePerSecond, high.DrainSeconds)); // bulk keeps a tenth of 30 while it waits
        Assert.Equal((0.0, 9.0), (normal.SharePerSecond, normal.DrainSeconds)); // after high's 27: 243 at 27 a second
        // Bulk: 3 a second for the 9 s the others take (27), then the other 273 at 30 a second.
        Assert.Equal(3.0, bulk.SharePerSecond);
        Assert.Equal(9 + (273 / 30.0), bulk.DrainSeconds, 6);
    }

    [Fact]
    public void ALaneAlone_DrainsAtTheWholeBudget_AndAnEmptyOneAtOnce()
    {
        var bulkOnly = LaneSnapshot.Of([new(QueueNames.BulkEventsOverflow, 300, 120)], writesPerSecond: 30);
        var empty = LaneSnapshot.Of([], writesPerSecond: 30);

        Assert.Equal((30.0, 10.0), (bulkOnly[2].SharePerSecond, bulkOnly[2].DrainSeconds));
        Assert.Equal((27.0, 0.0), (bulkOnly[0].SharePerSecond, bulkOnly[0].DrainSeconds)); // a high call now would share with bulk's tenth
        Assert.All(empty, lane => Assert.Equal(0, lane.DrainSeconds));
    }
}
