namespace Softr.Functions.Processing;

/// <summary>A step's failure, classified with the step's action in view (which decides whether an unknown outcome may be repeated).</summary>
public sealed class StepFailedException(Failure failure, Exception inner) : Exception(failure.Message, inner)
{
    public Failure Failure { get; } = failure;
}
