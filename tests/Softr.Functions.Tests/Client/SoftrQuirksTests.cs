using Softr.Http;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Users;

namespace Softr.Functions.Tests.Client;

public sealed class SoftrQuirksTests
{
    [Theory]
    [InlineData("myapp.softr.app", "myapp.softr.app")]
    [InlineData("https://myapp.softr.app", "myapp.softr.app")]
    [InlineData("https://myapp.softr.app/", "myapp.softr.app")]
    [InlineData("https://portal.example.com/some/page", "portal.example.com")]
    [InlineData(" myapp.softr.app/ ", "myapp.softr.app")]
    public void Domain_IsNormalisedToAHostName(string configured, string expected)
    {
        Assert.Equal(expected, SoftrDomain.Normalize(configured));
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, null, null, true)]
    [InlineData(HttpStatusCode.NotFound, "Bad Request", "User already exists", true)]
    [InlineData(HttpStatusCode.NotFound, null, "User with email x already exists", true)]
    [InlineData(HttpStatusCode.NotFound, "Not Found", "No route", false)]
    [InlineData(HttpStatusCode.NotFound, null, null, false)]
    [InlineData(HttpStatusCode.BadRequest, "Bad Request", "Something went wrong, please try again.", false)]
    public void ExistingUser_IsRecognisedOnlyFromSoftrsOwnAnswers(HttpStatusCode status, string? code, string? message, bool expected)
    {
        var body = code is null && message is null ? null : new SoftrErrorBody(code, null, message);

        Assert.Equal(expected, SoftrUsersClient.IsExistingUser(status, body));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    public void Exception_SaysWhetherARetryCanHelp(HttpStatusCode status, bool transient)
    {
        Assert.Equal(transient, new SoftrApiException(status, null, "x", SoftrOperation.CreateUser).IsTransient);
    }

    [Theory]
    [InlineData("Softr:ApiKey")]
    [InlineData("Softr:Domain")]
    public void Options_WithoutARequiredSetting_FailNamingIt(string missing)
    {
        var settings = new Dictionary<string, string?> { ["Softr:ApiKey"] = "key", ["Softr:Domain"] = "app.softr.app" };
        settings.Remove(missing);
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSoftrClient()
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SoftrClientOptions>>().Value);

        Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Softr:AttemptTimeout", "00:00:00")]
    [InlineData("Softr:TotalTimeout", "-00:00:01")]
    [InlineData("Softr:CircuitBreakDuration", "00:00:00.100")]
    [InlineData("Softr:WritesPerSecond", "0")]
    [InlineData("Softr:MaxRetries", "50")]
    [InlineData("Softr:MaxQueuedCalls", "-1")]
    [InlineData("Softr:UsersApiBaseUrl", "/relative/")]
    // The client's own rule across settings (in Softr.Client, issue #24): one attempt must fit in the call's total time (60 s).
    [InlineData("Softr:AttemptTimeout", "00:02:00")]
    public void Options_OutOfRange_FailAtStartNamingTheSetting(string setting, string value)
    {
        var settings = new Dictionary<string, string?> { ["Softr:ApiKey"] = "key", ["Softr:Domain"] = "app.softr.app", [setting] = value };
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSoftrClient()
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SoftrClientOptions>>().Value);

        Assert.Contains(setting.Split(':')[1], exception.Message, StringComparison.Ordinal);
    }
}
