using System.IO;
using System.Linq;
using Xunit;

namespace Workflows.Tool.Tests;

/// <summary><c>workflows validate</c>, run as a child process on files in a temporary folder.</summary>
public sealed class ValidateCommandTests
{
    private const string Good = """
        name: copy-report
        inputs:
          source: string
        steps:
          - id: read
            action: file.read
            with:
              path: ${{ inputs.source }}
          - id: write
            action: file.write
            depends_on: [read]
            with:
              path: out/report.txt
              content: ${{ steps.read.output }}
        """;

    private const string Bad = """
        name: broken
        steps:
          - id: read
            action: file.read
            with:
              path: a.txt
          - id: write
            action: file.write
            depends_on: [reed]
            with:
              path: b.txt
              content: hello
              mode: fast
          - id: read
            action: file.read
        """;

    private const string ShopActions = """
        using System.Threading.Tasks;
        using Workflows;

        [assembly: WorkflowActionTypes(typeof(Shop.ShopActions))]

        namespace Shop;

        public static class ShopActions
        {
            [WorkflowAction("shop.charge")]
            public static Task<string> ChargeAsync(string orderId, decimal amount) => Task.FromResult(orderId);
        }
        """;

    private const string UsesShop = """
        name: checkout
        steps:
          - id: charge
            action: shop.charge
            with:
              orderId: A-1
              amount: 12.5
        """;

    [Fact]
    public void A_good_file_passes_with_exit_code_0()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("good.workflow.yaml", Good);

        var result = tool.Run("validate", file);

        Assert.Equal(new[] { "0 error(s), 0 warning(s) in 1 file(s)" }, result.Lines);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void A_bad_file_reports_every_error_in_the_compiler_format_and_exits_1()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("bad.workflow.yaml", Bad);

        var result = tool.Run("validate", file);

        Assert.Equal(
            new[]
            {
                "bad.workflow.yaml(9,18): error WF0002: Step 'write' depends on 'reed', which is not a step of this workflow. Did you mean 'read'?",
                "bad.workflow.yaml(13,7): error WF0010: Step 'write': action 'file.write' has no parameter 'mode'. Its parameters: path, content, overwrite, encoding.",
                "bad.workflow.yaml(14,9): error WF0004: Step id 'read' is already used by the step on line 3. Step ids must be unique.",
                "bad.workflow.yaml(15,13): error WF0011: Step 'read': action 'file.read' needs a value for parameter 'path' (string). Add it under with:.",
                "4 error(s), 0 warning(s) in 1 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Paths_are_printed_as_given()
    {
        using var tool = new ToolRunner();
        tool.Write("flows/bad.workflow.yaml", Bad);

        var result = tool.Run("validate", "./flows/bad.workflow.yaml");

        Assert.All(result.Diagnostics(), line => Assert.StartsWith("./flows/bad.workflow.yaml(", line, System.StringComparison.Ordinal));
        Assert.Equal(4, result.Diagnostics().Count());
    }

    [Fact]
    public void Malformed_yaml_is_an_error_at_its_position()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("broken.workflow.yaml", "name: x\nsteps:\n  - id: a\n    action: [file.read\n");

        var result = tool.Run("validate", file);

        var line = Assert.Single(result.Diagnostics());
        Assert.StartsWith("broken.workflow.yaml(", line, System.StringComparison.Ordinal);
        Assert.Contains(": error WF0005: The workflow file is not well-formed YAML", line, System.StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Built_in_actions_are_checked_without_actions_assemblies()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("read.workflow.yaml", """
            name: read-it
            steps:
              - id: read
                action: file.read
                with:
                  path: a.txt
                  encodng: utf-8
            """);

        var result = tool.Run("validate", file);

        Assert.Equal(
            new[]
            {
                "read.workflow.yaml(7,7): error WF0010: Step 'read': action 'file.read' has no parameter 'encodng'. Did you mean 'encoding'?",
                "1 error(s), 0 warning(s) in 1 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void An_action_it_cannot_see_is_an_unresolved_warning_without_actions()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("checkout.workflow.yaml", UsesShop);

        var result = tool.Run("validate", file);

        Assert.Equal(
            new[]
            {
                "checkout.workflow.yaml(4,13): warning WF0003: Step 'charge' uses unresolved action 'shop.charge' (pass --actions <assembly> to check it)",
                "0 error(s), 1 warning(s) in 1 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Warnings_as_errors_fails_on_an_unresolved_action()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("checkout.workflow.yaml", UsesShop);

        var result = tool.Run("validate", file, "--warnings-as-errors");

        Assert.Equal(
            new[]
            {
                "checkout.workflow.yaml(4,13): error WF0003: Step 'charge' uses unresolved action 'shop.charge' (pass --actions <assembly> to check it)",
                "1 error(s), 0 warning(s) in 1 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void An_action_from_an_actions_assembly_is_resolved()
    {
        using var tool = new ToolRunner();
        var assembly = tool.CompileAssembly("bin/Shop.dll", ShopActions);
        var file = tool.Write("checkout.workflow.yaml", UsesShop);

        var result = tool.Run("validate", "--actions", assembly, file);

        Assert.Equal(new[] { "0 error(s), 0 warning(s) in 1 file(s)" }, result.Lines);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void With_an_actions_assembly_a_wrong_parameter_is_an_error()
    {
        using var tool = new ToolRunner();
        var assembly = tool.CompileAssembly("bin/Shop.dll", ShopActions);
        var file = tool.Write("checkout.workflow.yaml", UsesShop.Replace("orderId: A-1", "order: A-1", System.StringComparison.Ordinal));

        var result = tool.Run("validate", file, "--actions", assembly);

        Assert.Equal(
            new[]
            {
                "checkout.workflow.yaml(6,7): error WF0010: Step 'charge': action 'shop.charge' has no parameter 'order'. Did you mean 'orderId'?",
                "1 error(s), 0 warning(s) in 1 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void With_an_actions_assembly_an_unknown_action_is_an_error_as_in_a_build()
    {
        using var tool = new ToolRunner();
        var assembly = tool.CompileAssembly("bin/Shop.dll", ShopActions);
        var file = tool.Write("checkout.workflow.yaml", UsesShop.Replace("shop.charge", "shop.refund", System.StringComparison.Ordinal));

        var result = tool.Run("validate", "--actions", assembly, file);

        Assert.Equal(
            new[]
            {
                "checkout.workflow.yaml(4,13): error WF0003: Step 'charge' uses unknown action 'shop.refund'. No [WorkflowAction] method has this name.",
                "1 error(s), 0 warning(s) in 1 file(s)",
            }.JoinLines(),
            result.Lines.JoinLines());
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void A_directory_is_searched_for_workflow_files_skipping_build_output()
    {
        using var tool = new ToolRunner();
        tool.Write("flows/good.workflow.yaml", Good);
        tool.Write("flows/nested/bad.workflow.yml", Bad);
        tool.Write("flows/notes.yaml", "not: a workflow\n");
        tool.Write("flows/bin/Release/copied.workflow.yaml", Bad);

        var result = tool.Run("validate", "flows");

        var expectedPath = Path.Combine("flows", "nested", "bad.workflow.yml");
        Assert.Equal(4, result.Diagnostics().Count());
        Assert.All(result.Diagnostics(), line => Assert.StartsWith(expectedPath + "(", line, System.StringComparison.Ordinal));
        Assert.Equal("4 error(s), 0 warning(s) in 2 file(s)", result.Lines[^1]);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Workflows_in_different_files_are_checked_together()
    {
        using var tool = new ToolRunner();
        tool.Write("flows/child.workflow.yaml", """
            name: child
            inputs:
              path: string
            outputs:
              text: ${{ steps.read.output }}
            steps:
              - id: read
                action: file.read
                with:
                  path: ${{ inputs.path }}
            """);
        tool.Write("flows/parent.workflow.yaml", """
            name: parent
            steps:
              - id: run
                workflow: child
                with:
                  pth: a.txt
            """);

        var result = tool.Run("validate", "flows");

        var line = Assert.Single(result.Diagnostics());
        Assert.StartsWith(Path.Combine("flows", "parent.workflow.yaml") + "(6,7): error ", line, System.StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void A_missing_path_is_bad_usage_with_exit_code_2()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("good.workflow.yaml", Good);

        var result = tool.Run("validate", file, "missing.workflow.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("missing.workflow.yaml", result.Error, System.StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_actions_assembly_is_bad_usage_with_exit_code_2()
    {
        using var tool = new ToolRunner();
        var file = tool.Write("good.workflow.yaml", Good);
        var notAnAssembly = tool.Write("notes.dll", "not an assembly");

        var result = tool.Run("validate", file, "--actions", notAnAssembly);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("cannot read assembly 'notes.dll'", result.Error, System.StringComparison.Ordinal);
    }

    [Fact]
    public void An_actions_assembly_that_lists_no_action_types_is_bad_usage_that_says_what_to_add()
    {
        using var tool = new ToolRunner();
        var withoutList = ShopActions.Replace("[assembly: WorkflowActionTypes(typeof(Shop.ShopActions))]", string.Empty, System.StringComparison.Ordinal);
        var assembly = tool.CompileAssembly("bin/Shop.dll", withoutList);
        var file = tool.Write("checkout.workflow.yaml", UsesShop);

        var result = tool.Run("validate", "--actions", assembly, file);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("lists no action types", result.Error, System.StringComparison.Ordinal);
        Assert.Contains("[assembly: WorkflowActionTypes(typeof(MyActions))]", result.Error, System.StringComparison.Ordinal);
        Assert.DoesNotContain("WF0003", result.Error, System.StringComparison.Ordinal);
    }

    [Fact]
    public void No_paths_is_bad_usage_with_exit_code_2()
    {
        using var tool = new ToolRunner();

        var result = tool.Run("validate");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Lines);
        Assert.Contains("Usage: workflows validate", result.Error, System.StringComparison.Ordinal);
    }
}
