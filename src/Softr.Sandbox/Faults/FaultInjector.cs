namespace Softr.Sandbox.Faults;

/// <summary>Holds the current <see cref="FaultSettings"/> and decides, call by call, what goes wrong.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private FaultSettings _settings = new();
    private Random _random = new();
    private int _burstLeft;

    public FaultSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings with { RateLimitBurst = _burstLeft };
            }
        }
    }

    public void Apply(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_gate)
        {
            _settings = settings;
            _burstLeft = settings.RateLimitBurst;
            _random = settings.Seed is { } seed ? new Random(seed) : new Random();
        }
    }

    public void Reset() => Apply(new FaultSettings());

    public bool MagicLinkAsText
    {
        get
        {
            lock (_gate)
            {
                return _settings.MagicLinkAsText;
            }
        }
    }

    /// <summary>What to do to one call of <paramref name="operation"/>.</summary>
    public Fault Decide(string? operation)
    {
        lock (_gate)
        {
            var settings = _settings;
            if (settings.Operations.Count > 0 && (operation is null || !settings.Operations.Contains(operation, StringComparer.Ordinal)))
            {
                return Fault.None;
            }
            var latency = TimeSpan.FromMilliseconds(settings.LatencyMs);
            if (_burstLeft > 0)
            {
                _burstLeft--;
                return new Fault(FaultKind.RateLimited, latency, StatusCodes.Status429TooManyRequests, settings.RetryAfterSeconds, false);
            }
            if (Draw(settings.DropRate))
            {
                return new Fault(FaultKind.Drop, latency, 0, null, settings.FailAfterEffect);
            }
            if (Draw(settings.TimeoutRate))
            {
                return new Fault(FaultKind.Hang, latency + TimeSpan.FromMilliseconds(settings.TimeoutMs), StatusCodes.Status504GatewayTimeout, null, settings.FailAfterEffect);
            }
            if (Draw(settings.ErrorRate))
            {
                return new Fault(FaultKind.Error, latency, settings.ErrorStatus, null, settings.FailAfterEffect);
            }
            return new Fault(FaultKind.None, latency, 0, null, false);
        }
    }

    private bool Draw(double rate) => rate > 0 && _random.NextDouble() < rate;
}

public enum FaultKind
{
    None,
    RateLimited,
    Error,
    Hang,
    Drop,
}

/// <summary>What happens to one call. <c>AfterEffect</c>: the call takes effect first, then fails, so the client cannot tell it happened.</summary>
public sealed record Fault(FaultKind Kind, TimeSpan Delay, int Status, int? RetryAfterSeconds, bool AfterEffect)
{
    public static Fault None { get; } = new(FaultKind.None, TimeSpan.Zero, 0, null, false);
}
