namespace Softr.Functions.Processing;

/// <summary>A setting processing needs cannot be used now; no Softr call was made. The event waits (not counted) until it can.</summary>
public sealed class NotConfiguredException(string message) : Exception(message);
