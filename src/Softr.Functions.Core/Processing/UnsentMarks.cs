using System.Collections.Concurrent;

namespace Softr.Functions.Processing;

/// <summary>
/// Started marks this process wrote, or may have written, for calls it then did not send: the mark's write
/// failed (it may have landed all the same, its answer lost), or Softr refused the call (429, no connection)
/// and the mark could not be taken back. A later attempt in this process (the same attempt again after a
/// storage outage, or the message's retry) finds the mark and, knowing the call never left, runs the step
/// instead of dead-lettering it as outcome-unknown. Another process cannot know, and stays on the safe side.
/// Found by the processing simulation: a lost answer on the mark's write dead-lettered an invitation that
/// was never sent. Entries are kept for a day (a retry comes within minutes; a replay finds the step reset).
/// </summary>
public sealed class UnsentMarks(TimeProvider time)
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<(string EventId, string Automation, string StepId, long AtMs), DateTimeOffset> _marks = new();
    private DateTimeOffset _lastSwept = DateTimeOffset.MinValue;

    /// <summary>Remembers that <paramref name="mark"/>'s call did not leave this process.</summary>
    public void Remember(string eventId, StepRecord mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var now = time.GetUtcNow();
        // The old ones go at most once a minute, not on every call (a storm of 429s remembers and forgets many).
        if (now - _lastSwept > TimeSpan.FromMinutes(1))
        {
            _lastSwept = now;
            foreach (var old in _marks.Where(entry => now - entry.Value > KeptFor))
            {
                _marks.TryRemove(old.Key, out _);
            }
        }
        _marks[Key(eventId, mark)] = now;
    }

    /// <summary>The mark was taken back in storage: nothing to remember any more.</summary>
    public void Forget(string eventId, StepRecord mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        _marks.TryRemove(Key(eventId, mark), out _);
    }

    /// <summary>Whether <paramref name="recorded"/>, a started mark read back, is one whose call this process knows it never sent.</summary>
    public bool NeverSent(string eventId, StepRecord recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return _marks.ContainsKey(Key(eventId, recorded));
    }

    // Milliseconds: the mark's time as storage gives it back, whatever precision it keeps below that.
    private static (string, string, string, long) Key(string eventId, StepRecord mark) =>
        (eventId, mark.Automation, mark.StepId, mark.At.ToUnixTimeMilliseconds());
}
