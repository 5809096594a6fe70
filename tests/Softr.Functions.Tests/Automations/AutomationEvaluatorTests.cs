using Softr.Functions.Automations;

namespace Softr.Functions.Tests.Automations;

/// <summary>Matching and mapping: each condition operator, the transforms people need, and the limits that keep templates safe.</summary>
public sealed class AutomationEvaluatorTests
{
    private const string Event = """
        { "type": "order", "status": "paid", "amount": 4900, "tags": ["vip", "eu"], "email": "  Ada@Example.COM ",
          "name": "Ada Byron Lovelace", "nick": "", "created": 1764000000, "at": "2026-11-24T10:00:00Z",
          "customer": { "first": "Ada", "last": "Lovelace", "phone": null } }
        """;

    [Theory]
    [InlineData("""{ "Path": "payload.status", "Equals": "paid" }""", true)]
    [InlineData("""{ "Path": "payload.status", "Equals": "open" }""", false)]
    [InlineData("""{ "Path": "payload.status", "NotEquals": "open" }""", true)]
    [InlineData("""{ "Path": "payload.status", "In": [ "paid", "complete" ] }""", true)]
    [InlineData("""{ "Path": "payload.status", "In": [ "open" ] }""", false)]
    [InlineData("""{ "Path": "payload.customer.first", "Exists": true }""", true)]
    [InlineData("""{ "Path": "payload.customer.phone", "Exists": true }""", false)]
    [InlineData("""{ "Path": "payload.nick", "Exists": false }""", true)]
    [InlineData("""{ "Path": "payload.missing.deeper", "Exists": false }""", true)]
    [InlineData("""{ "Path": "payload.email | strip | downcase", "Matches": "^[a-z]+@example\\.com$" }""", true)]
    [InlineData("""{ "Path": "payload.amount", "GreaterThan": "1000" }""", true)]
    [InlineData("""{ "Path": "payload.amount", "GreaterThan": "4900" }""", false)]
    [InlineData("""{ "Path": "payload.amount", "GreaterThanOrEqual": "4900" }""", true)]
    [InlineData("""{ "Path": "payload.amount", "LessThan": "10000" }""", true)]
    [InlineData("""{ "Path": "payload.amount", "LessThanOrEqual": "4899" }""", false)]
    [InlineData("""{ "Path": "payload.at", "GreaterThan": "2026-01-01T00:00:00Z" }""", true)]
    [InlineData("""{ "Path": "payload.missing", "LessThan": "5" }""", false)]
    [InlineData("""{ "Path": "payload.tags | size", "Equals": "2" }""", true)]
    [InlineData("""{ "Path": "payload.tags[0]", "Equals": "vip" }""", true)]
    [InlineData("""{ "Path": "event.type", "Equals": "order" }""", true)]
    [InlineData("""{ "All": [ { "Path": "payload.status", "Equals": "paid" }, { "Path": "payload.amount", "GreaterThan": "5000" } ] }""", false)]
    [InlineData("""{ "Any": [ { "Path": "payload.status", "Equals": "open" }, { "Path": "payload.amount", "GreaterThan": "100" } ] }""", true)]
    [InlineData("""{ "Not": { "Path": "payload.status", "Equals": "paid" } }""", false)]
    public void Condition_DecidesWhetherTheAutomationRuns(string condition, bool runs)
    {
        var outcome = Assert.Single(Harness(condition, """{ "Action": "user.invite", "Inputs": { "email": "x@y.z" } }""").Evaluate("shop", "order", Event).Automations);

        Assert.Equal(runs ? OutcomeStatus.Planned : OutcomeStatus.ConditionFailed, outcome.Status);
        Assert.Equal(runs, outcome.Reason is null);
    }

    [Fact]
    public void AnyThatFails_GivesEveryReason()
    {
        var outcome = Assert.Single(Harness(
            """{ "Any": [ { "Path": "payload.status", "Equals": "open" }, { "Path": "payload.amount", "LessThan": "100" } ] }""",
            """{ "Action": "user.invite", "Inputs": { "email": "x@y.z" } }""").Evaluate("shop", "order", Event).Automations);

        Assert.Equal("none of: payload.status must equal 'open' (it was something else); payload.amount must be less than 100 (it was something else)", outcome.Reason);
    }

    [Theory]
    [InlineData("{{ payload.email | strip | downcase }}", "ada@example.com")]
    [InlineData("{{ payload.name | split: ' ' | first }}", "Ada")]
    [InlineData("{{ payload.name | split: ' ' | last }}", "Lovelace")]
    [InlineData("{{ payload.customer.first | append: ' ' | append: payload.customer.last }}", "Ada Lovelace")]
    [InlineData("{{ payload.created | date: '%Y-%m-%d %H:%M' }}", "2025-11-24 16:00")]
    [InlineData("{{ payload.at | date: '%d/%m/%Y' }}", "24/11/2026")]
    [InlineData("{{ payload.nick | default: payload.customer.first | default: 'friend' }}", "Ada")]
    [InlineData("{{ payload.missing | default: payload.also_missing | default: 'friend' }}", "friend")]
    [InlineData("{{ payload.amount | divided_by: 100.0 }}", "49")]
    [InlineData("{{ payload.tags | join: ',' }}", "vip,eu")]
    [InlineData("plain literal", "plain literal")]
    [InlineData("{{ settings.SOFTR_DATABASE_ID }}", "db_portal")]
    public void Mapping_AppliesTheTransform(string mapping, string expected)
    {
        var step = Assert.Single(Single(Harness(null, $$"""{ "Action": "user.create", "Inputs": { "email": "x@y.z", "fullName": "{{mapping}}" } }""")
            .Evaluate("shop", "order", Event)).Steps);

        Assert.Equal(expected, step.Inputs["fullName"].Value);
    }

    [Fact]
    public void RequiredInputThatRendersEmpty_PlansNothing_AndNamesTheStep()
    {
        var outcome = Assert.Single(Harness(null, """{ "Id": "invite", "Action": "user.invite", "Inputs": { "email": "{{ payload.customer.email }}" } }""")
            .Evaluate("shop", "order", Event).Automations);

        Assert.Equal(OutcomeStatus.MissingInput, outcome.Status);
        Assert.Equal("step 1 'invite' (user.invite): input 'email' is empty for this event (mapped from '{{ payload.customer.email }}')", outcome.Reason);
    }

    [Fact]
    public void RunawayTemplate_IsStoppedAtItsStepLimit_AndOnlyThatAutomationFails()
    {
        var harness = AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": {
              "loop": { "Hook": "shop", "Steps": [ { "Action": "user.create", "Inputs": { "email": "x@y.z",
                "fullName": "{% for i in (1..1000000) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}" } } ] },
              "fine": { "Hook": "shop", "Steps": [ { "Action": "user.invite", "Inputs": { "email": "x@y.z" } } ] } } }
            """);

        var outcomes = harness.Evaluate("shop", "order", Event).Automations.ToDictionary(outcome => outcome.Name);

        Assert.Equal(OutcomeStatus.MappingFailed, outcomes["loop"].Status);
        Assert.Equal(OutcomeStatus.Planned, outcomes["fine"].Status);
    }

    [Theory]
    [InlineData("{% include '/etc/passwd' %}")]
    [InlineData("{% render '../hooks.json' %}")]
    public void TemplatesThatWouldReadFiles_AreRefusedAtStartUp(string template)
    {
        var problem = Assert.Single(Harness(null, $$"""{ "Action": "user.create", "Inputs": { "email": "x@y.z", "fullName": "{{template}}" } }""").Problems);

        Assert.Contains("input 'fullName': the template", problem, StringComparison.Ordinal);
        Assert.Contains("does not parse", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueReadFromASecretSetting_IsSensitive_AndMaskedForDisplay()
    {
        var step = Assert.Single(Single(Harness(null, """{ "Action": "user.create", "Inputs": { "email": "x@y.z", "fullName": "[{{ settings.STRIPE_WEBHOOK_SECRET }}]" } }""")
            .Evaluate("shop", "order", Event)).Steps);

        Assert.True(step.Inputs["fullName"].Sensitive);
        Assert.Equal("[whsec_test_secret_value]", step.Inputs["fullName"].Value);
        Assert.Equal("***", step.Inputs["fullName"].ForDisplay().Value);
    }

    [Fact]
    public void Templates_CannotReachSettingsTheyDoNotName()
    {
        // The harness's configuration holds STRIPE_WEBHOOK_SECRET and more; this template names only the database id.
        var step = Assert.Single(Single(Harness(null,
            """{ "Action": "user.create", "Inputs": { "email": "ada@example.com", "fullName": "[{{ settings.SOFTR_DATABASE_ID }}|{{ settings }}|{% for s in settings %}{{ s }}{% endfor %}]" } }""")
            .Evaluate("shop", "order", Event)).Steps);

        Assert.DoesNotContain("whsec_test_secret_value", step.Inputs["fullName"].Value ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("secret", step.Inputs["fullName"].Value ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DeferredValue_RendersOnceTheEarlierStepHasRun()
    {
        Assert.True(Mapping.TryParse("{{ steps.user.magicLink | default: 'none' }}", out var mapping, out _));
        var results = new Dictionary<string, IReadOnlyDictionary<string, string?>>
        {
            ["user"] = new Dictionary<string, string?> { ["magicLink"] = "https://demo.softr.app/magic/abc" },
        };

        var scope = new MappingScope(default, new Dictionary<string, string?>(), new Dictionary<string, string?>(), results);

        Assert.True(mapping.IsDeferred);
        Assert.Equal([("user", "magicLink")], mapping.StepReferences);
        Assert.Equal("https://demo.softr.app/magic/abc", mapping.Render(scope));
    }

    [Fact]
    public void OtherEventTypes_AndDisabledAutomations_AreListedWithWhy()
    {
        var harness = AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": {
              "refunds": { "Hook": "shop", "Events": [ "refund" ], "Steps": [ { "Action": "user.deactivate", "Inputs": { "email": "x@y.z" } } ] },
              "paused": { "Hook": "shop", "Disabled": true, "Steps": [ { "Action": "user.invite", "Inputs": { "email": "x@y.z" } } ] } } }
            """);

        var outcomes = harness.Evaluate("shop", "order", Event).Automations.ToDictionary(outcome => outcome.Name);

        Assert.Equal((OutcomeStatus.OtherEventType, "handles refund, not order"), (outcomes["refunds"].Status, outcomes["refunds"].Reason));
        Assert.Equal(OutcomeStatus.Disabled, outcomes["paused"].Status);
        Assert.Empty(harness.Evaluate("elsewhere", "order", Event).Automations);
    }

    [Fact]
    public void AssignInOneTemplate_DoesNotLeakIntoTheNext()
    {
        var step = Assert.Single(Single(Harness(null,
            """{ "Action": "user.create", "Inputs": { "email": "{% assign leaked = 'yes' %}x@y.z", "fullName": "[{{ leaked }}]" } }""")
            .Evaluate("shop", "order", Event)).Steps);

        Assert.Equal("[]", step.Inputs["fullName"].Value);
    }

    private const string Hooks = """
        "Webhooks": { "Hooks": { "shop": { "Sender": "shared-secret", "SecretSettings": [ "SOFTR_BUTTON_SECRET" ] } } }
        """;

    /// <summary>A pattern that backtracks past its 50 ms is a failure with its cause, not a silent "no match" that skips the automation (issue #13).</summary>
    [Fact]
    public void MatchesThatTimesOut_FailsTheAutomationWithItsCause()
    {
        var harness = Harness("""{ "Path": "payload.customer.name", "Matches": "^(a+)+$" }""",
            """{ "Action": "user.create", "Inputs": { "email": "ada@example.com", "fullName": "Ada" } }""");
        var evil = $$"""{ "customer": { "name": "{{new string('a', 40)}}!" } }""";

        var outcome = Assert.Single(harness.Evaluate("shop", "order", evil).Automations);

        Assert.Equal(OutcomeStatus.MappingFailed, outcome.Status);
        Assert.Contains("ran past its 50 ms limit", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("/^(a+)+$/", outcome.Reason, StringComparison.Ordinal);
    }

    private static AutomationHarness Harness(string? condition, string step)
    {
        var when = condition is null ? "" : $"\"When\": {condition},";
        return AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": { "a": { "Hook": "shop", {{when}} "Steps": [ {{step}} ] } } }
            """);
    }

    private static AutomationOutcome Single(AutomationEvaluation evaluation) => Assert.Single(evaluation.Automations, outcome => outcome.Status == OutcomeStatus.Planned);

    /// <summary>Issue #24, item 5: what runs and what is shown are made together, and each compiled step runs with its own planned values.</summary>
    [Fact]
    public void ThePlanThatRuns_PairsEachCompiledStepWithItsPlannedValues_AndItsViewIsWhatIsShown()
    {
        var harness = AutomationHarness.FromRecipe("stripe-checkout-paid");
        var reading = harness.Read("stripe", AutomationHarness.Sample("stripe-checkout-paid"));
        var envelope = Assert.IsType<Softr.Functions.Webhooks.ReadEvent.Taken>(Assert.Single(reading.Events)).Envelope;
        var catalog = harness.Catalog();
        var evaluator = new AutomationEvaluator(catalog);

        var plan = evaluator.Plan(catalog.Find("stripe"), envelope);

        var run = Assert.Single(plan.Planned);
        Assert.Equal(["user", "invite", "customer"], run.Steps.Select(pair => pair.Step.Id));
        Assert.All(run.Steps, pair => Assert.Equal((pair.Step.Id, pair.Step.Action.Name), (pair.Planned.Id, pair.Planned.Action)));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(evaluator.Evaluate(envelope)), System.Text.Json.JsonSerializer.Serialize(plan.View));
    }
}
