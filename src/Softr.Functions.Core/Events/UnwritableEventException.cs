namespace Softr.Functions.Events;

/// <summary>An envelope that cannot be written as a queue message (a value JSON cannot hold): no retry can help, and nothing was stored.</summary>
public sealed class UnwritableEventException : Exception
{
    public UnwritableEventException(string message) : base(message)
    {
    }

    public UnwritableEventException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
