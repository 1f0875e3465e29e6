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

        public sealed class Notifier
        {
            [WorkflowAction("notify")]
            public Task NotifyAsync(string message, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;
}
