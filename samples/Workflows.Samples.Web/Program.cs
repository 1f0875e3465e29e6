using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows;
using Workflows.Samples.Web;

// The HTTP API and the dashboard of one workflow, published with NativeAOT (no reflection anywhere):
//   dotnet publish samples/Workflows.Samples.Web -c Release -r linux-x64
//   ./Workflows.Samples.Web --urls http://127.0.0.1:5000   then open /workflows
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton<HelloActions>();
var app = builder.Build();
app.MapWorkflows();
app.Run();

namespace Workflows.Samples.Web
{
    /// <summary>The actions of the hello workflow.</summary>
    public sealed class HelloActions
    {
        [WorkflowAction("hello.greet")]
        public string Greet(string name, int times) => string.Join(" ", System.Linq.Enumerable.Repeat("Hello " + name + "!", Math.Max(1, times)));

        [WorkflowAction("hello.count")]
        public int Count(string text) => text.Length;
    }
}
