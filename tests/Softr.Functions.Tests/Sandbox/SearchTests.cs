using Softr.Database;

namespace Softr.Functions.Tests.Sandbox;

/// <summary>Every search operator against the seed's Customers table, through the client's filter builder.</summary>
public sealed class SearchTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private readonly SoftrDatabaseClient _client = new SandboxClients(sandbox).Database;

    public static TheoryData<string, SearchCondition, string[]> Cases() => new()
    {
        { "IS text, any case", SearchFilter.Is("fEmail", "ADA@example.com"), ["ada"] },
        { "IS_NOT", SearchFilter.IsNot("fPlan", "chPro"), ["grace", "alan"] },
        { "IS select by label", SearchFilter.Is("fPlan", "Team"), ["grace"] },
        { "GREATER_THAN", SearchFilter.GreaterThan("fSeats", 3), ["ada", "grace"] },
        { "GREATER_THAN_OR_EQUALS", SearchFilter.GreaterThanOrEquals("fSeats", 3), ["ada", "grace", "katherine"] },
        { "LESS_THAN", SearchFilter.LessThan("fMrr", 150), ["alan", "katherine"] },
        { "LESS_THAN_OR_EQUALS", SearchFilter.LessThanOrEquals("fMrr", 149), ["alan", "katherine"] },
        { "CONTAINS", SearchFilter.Contains("fName", "ing"), ["alan"] },
        { "DOES_NOT_CONTAIN", SearchFilter.DoesNotContain("fName", "a"), [] },
        { "STARTS_WITH", SearchFilter.StartsWith("fName", "gr"), ["grace"] },
        { "DOES_NOT_START_WITH", SearchFilter.DoesNotStartWith("fName", "A"), ["grace", "katherine"] },
        { "ENDS_WITH", SearchFilter.EndsWith("fName", "son"), ["katherine"] },
        { "DOES_NOT_END_WITH", SearchFilter.DoesNotEndWith("fName", "e"), ["grace", "alan", "katherine"] },
        { "IS_ONE_OF", SearchFilter.IsOneOf("fPlan", "chFree", "chTeam"), ["grace", "alan"] },
        { "IS_NOT_ONE_OF", SearchFilter.IsNotOneOf("fPlan", "chFree", "chTeam"), ["ada", "katherine"] },
        { "HAS_ANY_OF", SearchFilter.HasAnyOf("fTags", "chBeta", "chAnnual"), ["ada", "grace"] },
        { "HAS_ALL_OF", SearchFilter.HasAllOf("fTags", "chVip", "chAnnual"), ["ada"] },
        { "HAS_NONE_OF", SearchFilter.HasNoneOf("fTags", "chVip"), ["grace", "alan", "katherine"] },
        { "IS_EMPTY", SearchFilter.IsEmpty("fStripe"), ["alan"] },
        { "IS_EMPTY on an empty list", SearchFilter.IsEmpty("fTags"), ["alan", "katherine"] },
        { "IS_NOT_EMPTY", SearchFilter.IsNotEmpty("fStripe"), ["ada", "grace", "katherine"] },
        { "IS_BETWEEN numbers", SearchFilter.IsBetween("fSeats", 2, 5), ["ada", "katherine"] },
        { "IS_NOT_BETWEEN", SearchFilter.IsNotBetween("fSeats", 2, 5), ["grace", "alan"] },
        { "IS_BETWEEN dates", SearchFilter.IsBetween("fSince", "2025-01-01", "2025-12-31"), ["ada", "katherine"] },
        { "IS_WITHIN relative dates", SearchFilter.IsWithin("fSince", "RELATIVE_DATE:PAST:36500", "PREDEFINED:TODAY"), ["ada", "grace", "alan", "katherine"] },
        { "GREATER_THAN a date", SearchFilter.GreaterThan("fSince", "2025-06-01"), ["alan", "katherine"] },
        { "CHECKBOX", SearchFilter.Is("fActive", false), ["alan"] },
        { "AND", SearchFilter.And(SearchFilter.Is("fActive", true), SearchFilter.LessThan("fSeats", 10)), ["ada", "katherine"] },
        { "OR", SearchFilter.Or(SearchFilter.Is("fPlan", "chFree"), SearchFilter.Is("fPlan", "chTeam")), ["grace", "alan"] },
        { "nested", SearchFilter.And(SearchFilter.IsNotEmpty("fEmail"), SearchFilter.Or(SearchFilter.Contains("fEmail", "grace"), SearchFilter.Contains("fEmail", "alan"))), ["grace", "alan"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Search_MatchesWhatTheOperatorMeans(string name, SearchCondition condition, string[] expected)
    {
        var page = await _client.SearchRecordsAsync("db_portal", "tbl_customers", new RecordSearch { Filter = condition });

        var firstNames = page.Records.Select(record => record.Fields["fEmail"].GetString()!.Split('@')[0]).ToArray();
        Assert.True(expected.SequenceEqual(firstNames), $"{name}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", firstNames)}]");
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task Search_ByFieldNameWithFieldNames_AndSortedByTwoKeys()
    {
        var page = await _client.SearchRecordsAsync("db_portal", "tbl_customers", new RecordSearch
        {
            Filter = SearchFilter.Is("Active", true),
            Sorting = [new SearchSort("Plan"), new SearchSort("Seats", SearchSort.Descending)],
        }, fieldNames: true);

        Assert.Equal(["Ada Lovelace", "Katherine Johnson", "Grace Hopper"], page.Records.Select(record => record.Fields["Full name"].GetString()));
    }

    [Fact]
    public async Task Search_WithPaging_ReturnsTheRequestedSliceAndTheFullTotal()
    {
        var page = await _client.SearchRecordsAsync("db_portal", "tbl_customers", new RecordSearch
        {
            Sorting = [new SearchSort("created_at")],
            Paging = new SearchPaging(1, 2),
        });

        Assert.Equal((1, 2, 4), (page.Offset, page.Limit, page.Total));
        Assert.Equal(2, page.Records.Count);
    }

    [Theory]
    [InlineData("""{"operator":"LIKE","leftSide":"fEmail","rightSide":"a"}""", "Unknown operator")]
    [InlineData("""{"operator":"IS","leftSide":"fNope","rightSide":"a"}""", "does not exist")]
    [InlineData("""{"operator":"IS_ONE_OF","leftSide":"fPlan","rightSide":"chPro"}""", "array")]
    [InlineData("""{"operator":"AND"}""", "conditions")]
    public async Task Search_WithAConditionSoftrWouldRefuse_Answers400(string condition, string message)
    {
        var parsed = System.Text.Json.JsonSerializer.Deserialize<SearchCondition>(condition)!;

        var exception = await Assert.ThrowsAsync<SoftrApiException>(() =>
            _client.SearchRecordsAsync("db_portal", "tbl_customers", new RecordSearch { Filter = parsed }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Contains(message, exception.SoftrMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void FilterBuilder_WritesSoftrsWireShape()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(new RecordSearch
        {
            Filter = SearchFilter.And(SearchFilter.IsOneOf("f1", "a", "b"), SearchFilter.IsBetween("f2", 1, 5), SearchFilter.IsEmpty("f3")),
        }, SoftrJsonContext.Default.RecordSearch)!;

        Assert.Equal(
            """{"filter":{"condition":{"operator":"AND","conditions":[{"operator":"IS_ONE_OF","leftSide":"f1","rightSide":["a","b"]},{"operator":"IS_BETWEEN","leftSide":"f2","lowerBound":1,"upperBound":5},{"operator":"IS_EMPTY","leftSide":"f3"}]}}}""",
            json.ToJsonString());
    }
}
