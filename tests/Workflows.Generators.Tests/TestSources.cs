namespace Workflows.Generators.Tests;

/// <summary>Action methods shared by the generator and analyzer tests.</summary>
internal static class TestSources
{
    public const string Actions = """
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        namespace TestApp;

        public enum Color { Red, Green }

        public static class Actions
        {
            [WorkflowAction("deploy.push")]
            public static Task PushAsync(string environment, CancellationToken cancellationToken) => Task.CompletedTask;

            [WorkflowAction("deploy.test")]
            public static int Test(int count = 1) => count;

            [WorkflowAction("build")]
            public static void Build() { }

            [WorkflowAction("typed")]
            public static void Typed(int number, bool flag, double ratio, decimal amount, string? text, char letter, Color color, long big, int? maybe = null) { }

            [WorkflowAction("fetch")]
            public static ValueTask<string> FetchAsync(string orderId) => new(orderId);
        }

        public sealed record Customer(string Id, string? Email);

        public sealed record Order(string Id, Customer Customer, decimal Total, string[] Lines);

        public static class Shop
        {
            [WorkflowAction("orders.load")]
            public static Order Load(string id) => new(id, new Customer("c", null), 1m, new[] { "a" });

            [WorkflowAction("take.int")] public static void TakeInt(int value) { }
            [WorkflowAction("take.long")] public static void TakeLong(long value) { }
            [WorkflowAction("take.double")] public static void TakeDouble(double value) { }
            [WorkflowAction("take.decimal")] public static void TakeDecimal(decimal value) { }
            [WorkflowAction("take.string")] public static void TakeString(string value) { }
            [WorkflowAction("take.bool")] public static void TakeBool(bool value) { }
            [WorkflowAction("take.object")] public static void TakeObject(object value) { }
            [WorkflowAction("take.customer")] public static void TakeCustomer(Customer value) { }
        }

        public sealed class Notifier
        {
            [WorkflowAction("notify")]
            public Task NotifyAsync(string message, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    /// <summary>
    /// A <c>JsonSerializerContext</c> stub in namespace <c>TestApp</c> listing <paramref name="types"/>: the JSON source
    /// generator does not run in these tests, and the context's attributes are all the binder reads.
    /// </summary>
    public static string JsonContext(string name, params string[] types)
    {
        var attributes = string.Concat(System.Linq.Enumerable.Select(types, t => $"    [System.Text.Json.Serialization.JsonSerializable(typeof({t}))]\n"));
        return $$"""
            {{attributes}}    public sealed partial class {{name}} : System.Text.Json.Serialization.JsonSerializerContext
                {
                    public {{name}}() : base(null) { }
                    public static {{name}} Default { get; } = new();
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
                }
            """;
    }
}
