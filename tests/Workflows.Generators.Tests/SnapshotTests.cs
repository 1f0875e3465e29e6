using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>The generated source, compared with the committed files under Snapshots/.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Sequential_workflow_with_static_actions()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("flows/release.workflow.yaml", """
            name: release
            description: Tests, then pushes.
            steps:
              - id: test
                action: deploy.test
              - id: push-prod
                name: Push to production
                action: deploy.push
                depends_on: test
                with: { environment: "prod \"eu\"" }
            """));

        AssertCompiles(result);
        Snapshot.Match(result.GeneratedSource("TestApp.ReleaseWorkflow.g.cs")!, "ReleaseWorkflow.g.cs");
    }

    [Fact]
    public void Concurrent_workflow_with_instance_actions()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("flows/fan.workflow.yaml", """
            name: fan-out-in
            namespace: TestApp.Flows
            steps:
              - id: start
                action: build
              - id: left
                action: notify
                depends_on: start
                with: { message: left }
              - id: right
                action: fetch
                depends_on: start
                with: { order_id: r-1 }
              - id: join
                action: deploy.push
                depends_on: [left, right]
                with: { environment: dev }
            """));

        AssertCompiles(result);
        Snapshot.Match(result.GeneratedSource("TestApp.Flows.FanOutInWorkflow.g.cs")!, "FanOutInWorkflow.g.cs");
    }

    [Fact]
    public void Synchronous_sequential_workflow_needs_no_await()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("sync.workflow.yaml", """
            name: sync-chain
            steps:
              - id: one
                action: build
              - id: two
                action: deploy.test
                depends_on: one
            """));

        AssertCompiles(result);
        Snapshot.Match(result.GeneratedSource("TestApp.SyncChainWorkflow.g.cs")!, "SyncChainWorkflow.g.cs");
    }

    [Fact]
    public void Synchronous_dag_runs_its_batches_in_order()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("sync-dag.workflow.yaml", """
            name: sync-dag
            steps:
              - id: start
                action: build
              - id: left
                action: deploy.test
                depends_on: start
                on_error: continue
              - id: right
                action: deploy.test
                depends_on: start
                with: { count: 2 }
              - id: join
                action: deploy.test
                depends_on: [left, right]
                with: { count: "${{ steps.right.output }}" }
            """));

        AssertCompiles(result);
        var source = result.GeneratedSource("TestApp.SyncDagWorkflow.g.cs")!;
        Assert.DoesNotContain("class Run", source, System.StringComparison.Ordinal); // no concurrent run state
        Snapshot.Match(source, "SyncDagWorkflow.g.cs");
    }

    [Fact]
    public void Data_flow_with_inputs_outputs_conditions_and_interpolation()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("flows/order.workflow.yaml", """
            name: order-flow
            inputs:
              order_id: { type: string, required: true, description: The order to load }
              minimum: { type: decimal, default: 10.5 }
              customer: TestApp.Customer
            outputs:
              total: ${{ steps.load.output.Total }}
              first_line: ${{ steps.load.output.Lines[0] }}
            steps:
              - id: load
                action: orders.load
                with: { id: "${{ inputs.order_id }}" }
              - id: big
                action: take.decimal
                if: ${{ steps.load.output.Total >= inputs.minimum && !startsWith(steps.load.output.Id, 'test') }}
                with: { value: "${{ steps.load.output.Total + 1 }}" }
              - id: note
                action: take.string
                depends_on: big
                with: { value: "order ${{ inputs.order_id }} has ${{ length(steps.load.output.Lines) }} lines" }
              - id: report
                action: take.string
                if: always()
                depends_on: [note]
                with: { value: "${{ steps.load.output.Customer.Email ?? 'no email' }}" }
            """));

        AssertCompiles(result);
        Snapshot.Match(result.GeneratedSource("TestApp.OrderFlowWorkflow.g.cs")!, "OrderFlowWorkflow.g.cs");
    }

    [Fact]
    public void Docs_pages_are_generated_only_on_request()
    {
        var compilation = WorkflowTestHost.CreateCompilation(TestSources.Actions);
        var file = new InMemoryAdditionalText("r.workflow.yaml", "name: documented\ninputs:\n  env: string\nsteps:\n  - id: push\n    action: deploy.push\n    with: { environment: \"${{ inputs.env ?? 'dev' }}\" }\n");
        var options = new TestOptionsProvider(new System.Collections.Generic.Dictionary<string, string>
        {
            ["build_property.RootNamespace"] = "TestApp",
            ["build_property.WorkflowsDocsDirectory"] = "docs",
        });

        var withDocs = WorkflowTestHost.CreateDriver(new[] { file }, options).RunGenerators(compilation).GetRunResult().Results.Single();
        var withoutDocs = WorkflowTestHost.CreateDriver(new[] { file }).RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.DoesNotContain(withoutDocs.GeneratedSources, s => s.HintName.EndsWith(".Docs.g.cs", System.StringComparison.Ordinal));
        var carrier = withDocs.GeneratedSources.Single(s => s.HintName == "TestApp.DocumentedWorkflow.Docs.g.cs").SourceText.ToString();
        Snapshot.Match(carrier, "DocumentedWorkflow.Docs.g.cs");
    }

    private static void AssertCompiles(BuildResult result)
    {
        Assert.Empty(result.WorkflowDiagnostics);
        var problems = result.CompilerDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
    [Fact]
    public void Fan_out_and_sub_workflow()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions,
            ("flows/ship.workflow.yaml", """
                name: ship-order
                inputs:
                  order_id: { type: string, required: true }
                outputs:
                  tracking: ${{ steps.fetch.output }}
                steps:
                  - id: fetch
                    action: fetch
                    with: { order_id: "${{ inputs.order_id }}" }
                    retry: { max_attempts: 2, delay: 1s }
                """),
            ("flows/batch.workflow.yaml", """
                name: ship-batch
                inputs:
                  orders: "string[]"
                outputs:
                  tracking: ${{ steps.ship.output }}
                steps:
                  - id: ship
                    workflow: ship-order
                    foreach: ${{ inputs.orders }}
                    max_parallel: 4
                    with: { order_id: "${{ item }}" }
                  - id: tell
                    action: notify
                    depends_on: ship
                    with: { message: "shipped ${{ length(steps.ship.output) }}" }
                """));

        AssertCompiles(result);
        Snapshot.Match(result.GeneratedSource("TestApp.ShipBatchWorkflow.g.cs")!, "ShipBatchWorkflow.g.cs");
    }
}
