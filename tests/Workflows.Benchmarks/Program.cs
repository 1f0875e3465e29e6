using BenchmarkDotNet.Running;

namespace Workflows.Benchmarks;

public static class Program
{
    // dotnet run -c Release --project tests/Workflows.Benchmarks -- --filter '*'
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
