using System.ComponentModel.DataAnnotations;

namespace Softr;

/// <summary>
/// Where the Softr APIs live and how to authenticate. Bound from the <c>Softr</c> configuration
/// section (app settings <c>Softr__ApiKey</c>, <c>Softr__Domain</c>, ...).
/// </summary>
public sealed class SoftrClientOptions
{
    public const string SectionName = "Softr";

    /// <summary>The personal access token sent as <c>Softr-Api-Key</c>. Never logged.</summary>
    [Required(ErrorMessage = "Softr:ApiKey (app setting Softr__ApiKey) is required: the Softr API key.")]
    public string ApiKey { get; set; } = "";

    /// <summary>The published app's host name, sent as <c>Softr-Domain</c> to the Users API.</summary>
    [Required(ErrorMessage = "Softr:Domain (app setting Softr__Domain) is required: the published Softr app's domain, e.g. myapp.softr.app.")]
    public string Domain { get; set; } = "";

    /// <summary>Base URL of the Users Management API. Points at the sandbox when run locally.</summary>
    [Required]
    public Uri UsersApiBaseUrl { get; set; } = new("https://studio-api.softr.io/v1/api/");
}
