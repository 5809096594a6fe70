using System.Diagnostics;
using OpenTelemetry;

namespace Softr.Functions.Telemetry;

/// <summary>
/// The last word on what a span may carry: every string tag, the span's name and its events' tags have
/// e-mail addresses masked (<see cref="LogText"/>), whatever set them: our code, or the ASP.NET Core
/// and HttpClient instrumentation (the Users API puts e-mails in its paths). It is the first processor,
/// so exporters only ever see the masked span. Span events cannot be changed once added, so none is
/// recorded with a message (exceptions are not recorded as events; the end-to-end privacy test checks).
/// </summary>
public sealed class RedactingSpanProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (LogText.HoldsEmail(data.DisplayName))
        {
            data.DisplayName = LogText.MaskEmailsInUrl(data.DisplayName);
        }
        foreach (var (key, value) in data.TagObjects.ToList())
        {
            if (value is string text && LogText.HoldsEmail(text))
            {
                data.SetTag(key, LogText.MaskEmailsInUrl(text));
            }
        }
    }
}
