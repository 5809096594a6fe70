using Softr.Resilience;

namespace Softr.Functions.Tests.Resilience;

/// <summary>The order in which a budget serves its waiting callers (issue #25, item 3), as plain bookkeeping.</summary>
public sealed class TurnLineTests
{
    private static readonly CallOrder High = new(CallPriority.High, "stripe");
    private static readonly CallOrder Normal = new(CallPriority.Normal, "signup");
    private static readonly CallOrder Bulk = new(CallPriority.Bulk, "hubspot");

    [Fact]
    public void HigherPriorities_GoFirst_WhateverTheOrderTheyCameIn()
    {
        var line = new TurnLine<string>();
        line.Add(Bulk, "bulk 1");
        line.Add(Normal, "normal 1");
        line.Add(Normal, "normal 2");
        line.Add(High, "high 1");
        line.Add(Bulk, "bulk 2");
        line.Add(High, "high 2");

        Assert.Equal(["high 1", "high 2", "normal 1", "normal 2", "bulk 1", "bulk 2"], Drain(line));
    }

    [Fact]
    public void WhileBulkWaits_EveryTenthTurnIsBulks_WhoeverElseWaits()
    {
        var line = new TurnLine<string>();
        for (var i = 0; i < 100; i++)
        {
            line.Add(High, $"high {i}");
            line.Add(Bulk, $"bulk {i}");
        }

        var first50 = Enumerable.Range(0, 50).Select(_ => line.Next()!).ToList();

        Assert.Equal(5, first50.Count(turn => turn.StartsWith("bulk", StringComparison.Ordinal)));
        Assert.All(Enumerable.Range(1, 5), k => Assert.StartsWith("bulk", first50[(k * TurnLine<string>.BulkFloorEvery) - 1], StringComparison.Ordinal));
    }

    [Fact]
    public void TheFloorIsOnlyWhileBulkWaits_NoCreditBuildsUpWhileItDoesNot()
    {
        var line = new TurnLine<string>();
        for (var i = 0; i < 30; i++)
        {
            line.Add(Normal, $"normal {i}");
        }
        for (var i = 0; i < 25; i++)
        {
            line.Next();
        }
        line.Add(Bulk, "bulk");

        // Twenty-five turns went by with no bulk caller waiting: it still waits its nine turns, not none.
        Assert.All(Enumerable.Range(0, 5), _ => Assert.StartsWith("normal", line.Next(), StringComparison.Ordinal));
        Assert.Equal("bulk", line.Next());
    }

    [Fact]
    public void InsideAPriority_SourcesTakeTurns_SoAFloodDoesNotHoldUpATrickle()
    {
        var line = new TurnLine<string>();
        for (var i = 0; i < 20; i++)
        {
            line.Add(new CallOrder(CallPriority.Normal, "import"), $"import {i}");
        }
        line.Add(new CallOrder(CallPriority.Normal, "form"), "form 0");
        line.Add(new CallOrder(CallPriority.Normal, "form"), "form 1");

        Assert.Equal(["import 0", "form 0", "import 1", "form 1", "import 2", "import 3"], Drain(line).Take(6));
    }

    [Fact]
    public void AHolderIsOvertakenByAHigherPriorityOnly_AndNotWhenItHoldsTheBulkFloor()
    {
        var line = new TurnLine<string>();
        line.TakenWithoutWaiting();
        Assert.False(line.Outranks(Normal));
        line.Add(Normal, "normal");
        Assert.False(line.Outranks(Normal));
        Assert.True(line.Outranks(Bulk));
        line.Add(High, "high");
        Assert.True(line.Outranks(Normal));
        Assert.False(line.Outranks(High));

        // Nine turns to high callers while bulk waits; the tenth is the floor's, and a high caller does not take it back.
        var floor = new TurnLine<string>();
        floor.Add(Bulk, "bulk");
        for (var i = 0; i < 20; i++)
        {
            floor.Add(High, $"high {i}");
        }
        for (var i = 0; i < 9; i++)
        {
            floor.Next();
        }
        Assert.Equal("bulk", floor.Next());
        Assert.True(floor.HolderByFloor);
        Assert.False(floor.Outranks(Bulk));
    }

    [Fact]
    public void AnOvertakenHolder_KeepsItsPlaceAtTheFrontOfItsSourcesLine()
    {
        var line = new TurnLine<string>();
        line.Add(new CallOrder(CallPriority.Normal, "a"), "a 1");
        line.Add(new CallOrder(CallPriority.Normal, "b"), "b 0");
        line.AddFront(new CallOrder(CallPriority.Normal, "a"), "a 0");

        Assert.Equal(["a 0", "b 0", "a 1"], Drain(line));
    }

    [Fact]
    public void ACallerThatGaveUp_LeavesTheLine_AndOneAlreadyGivenTheTurnIsNotFound()
    {
        var line = new TurnLine<string>();
        line.Add(Normal, "first");
        line.Add(Normal, "second");

        Assert.True(line.Remove(Normal, "second"));
        Assert.Equal("first", line.Next());
        Assert.False(line.Remove(Normal, "first"));
        Assert.Equal(0, line.Count);
        Assert.Null(line.Next());
    }

    private static List<string> Drain(TurnLine<string> line)
    {
        var order = new List<string>();
        while (line.Next() is { } next)
        {
            order.Add(next);
        }
        return order;
    }
}
