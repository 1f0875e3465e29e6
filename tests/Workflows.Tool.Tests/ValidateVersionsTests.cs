using Xunit;

namespace Workflows.Tool.Tests;

/// <summary><c>workflows validate</c> compares durable workflows with a Workflows.Shipped.txt as a build does.</summary>
public sealed class ValidateVersionsTests
{
    private const string Actions = """
        using Workflows;

        [assembly: WorkflowActionTypes(typeof(Shop.ShopActions))]

        namespace Shop;

        public static class ShopActions
        {
            [WorkflowAction("shop.charge")]
            public static string Charge(string orderId) => orderId;
        }

        public sealed partial class ShopJson : System.Text.Json.Serialization.JsonSerializerContext
        {
            public ShopJson() : base(null) { }
            public static ShopJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
        }
        """;

    private const string Checkout = """
        name: checkout
        json_context: Shop.ShopJson
        steps:
          - id: pay
            action: shop.charge
            with: { orderId: A-1 }
        """;

    private const string Shipped = """
        # accepted earlier
        checkout | definition | 0123456789abcdef
        checkout | step | charge | shop.charge -> string
        checkout | kind-from-the-future | x
        """;

    [Fact]
    public void A_folder_with_a_shipped_file_is_compared_with_it()
    {
        using var tool = new ToolRunner();
        var assembly = tool.CompileAssembly("bin/Shop.dll", Actions);
        tool.Write("flows/checkout.workflow.yaml", Checkout);
        tool.Write("flows/Workflows.Shipped.txt", Shipped);

        var result = tool.Run("validate", "flows", "--actions", assembly);

        Assert.Equal(
            new[]
            {
                "flows/checkout.workflow.yaml(1,7): warning WF0701: Durable workflow 'checkout' no longer has step 'charge' (shop.charge -> string), which Workflows.Shipped.txt records: runs of 'checkout' in flight that completed it will be refused on resume (WorkflowDefinitionChangedException). Keep the old step, or keep the old definition in a file of its own (same name, 'version: 1') and give this one 'version: 2'; once no run is in flight, accept the change with 'dotnet build -p:WorkflowsAcceptVersions=true'.",
                "flows/Workflows.Shipped.txt(4,1): warning WF0708: flows/Workflows.Shipped.txt(4): unknown kind 'kind-from-the-future' (known: definition, input, step); a newer Workflows package may have written it. Fix the line, or rewrite the file from the current workflows with 'dotnet build -p:WorkflowsAcceptVersions=true'.",
                "0 error(s), 2 warning(s) in 2 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(0, result.ExitCode);
    }
}
