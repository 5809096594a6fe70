namespace Softr.Functions.Processing;

/// <summary>A failure that trying again cannot fix: the event is dead-lettered at once with <see cref="Cause"/>.</summary>
public sealed class PermanentFailureException : Exception
{
    public PermanentFailureException(string cause, string message, Exception? innerException = null)
        : base(message, innerException) => Cause = cause;

    public string Cause { get; }
}
