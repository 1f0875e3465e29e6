using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Durability;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class WorkflowInputValuesTests
{
    private static readonly JsonSerializerOptions s_json = DurableJson.BuiltInOptions;

    private static WorkflowInputValues Text(params (string Name, string Value)[] values)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in values)
        {
            pairs.Add(new KeyValuePair<string, string>(name, value));
        }

        return new WorkflowInputValues(pairs);
    }

    private static WorkflowInputValues File(string json, params (string Name, string Value)[] text)
    {
        using var document = JsonDocument.Parse(json);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in text)
        {
            pairs.Add(new KeyValuePair<string, string>(name, value));
        }

        return new WorkflowInputValues(pairs, document.RootElement);
    }

    [Fact]
    public void Text_is_read_as_json_of_the_inputs_type()
    {
        var values = Text(("n", "42"), ("b", "true"), ("d", "2.5"), ("list", "[1,2]"));
        Assert.Equal(42, values.GetRequired<int>("wf", "n", s_json));
        Assert.True(values.GetRequired<bool>("wf", "b", s_json));
        Assert.Equal(2.5m, values.GetRequired<decimal>("wf", "d", s_json));
        Assert.Equal([1, 2], values.GetRequired<int[]>("wf", "list", s_json));
        Assert.Equal(42L, values.GetOptional<long?>("wf", "n", s_json, null));
    }

    [Fact]
    public void Text_that_is_not_json_is_read_as_a_json_string()
    {
        var id = Guid.NewGuid();
        var values = Text(("when", "2026-01-31"), ("wait", "00:05:00"), ("id", id.ToString()), ("at", "2026-01-31T10:00:00+01:00"));
        Assert.Equal(new DateTime(2026, 1, 31), values.GetRequired<DateTimeOffset>("wf", "when", s_json).DateTime);
        Assert.Equal(TimeSpan.FromMinutes(5), values.GetRequired<TimeSpan>("wf", "wait", s_json));
        Assert.Equal(id, values.GetRequired<Guid>("wf", "id", s_json));
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.FromHours(1)), values.GetRequired<DateTimeOffset>("wf", "at", s_json));
    }

    [Fact]
    public void A_string_input_takes_the_text_as_it_is()
    {
        var values = Text(("a", "42"), ("b", "\"quoted\""), ("c", "true"), ("d", ""));
        Assert.Equal("42", values.GetRequired<string>("wf", "a", s_json));
        Assert.Equal("\"quoted\"", values.GetRequired<string>("wf", "b", s_json));
        Assert.Equal("true", values.GetRequired<string>("wf", "c", s_json));
        Assert.Equal(string.Empty, values.GetRequired<string>("wf", "d", s_json));
    }

    [Fact]
    public void File_values_are_read_with_their_json_types()
    {
        var values = File("{\"n\": 5, \"s\": \"x\", \"list\": [\"a\", \"b\"]}");
        Assert.Equal(5, values.GetRequired<int>("wf", "n", s_json));
        Assert.Equal("x", values.GetRequired<string>("wf", "s", s_json));
        Assert.Equal(["a", "b"], values.GetRequired<string[]>("wf", "list", s_json));
    }

    [Fact]
    public void Text_overrides_the_file()
    {
        var values = File("{\"n\": 5, \"m\": 1}", ("n", "7"));
        Assert.Equal(7, values.GetRequired<int>("wf", "n", s_json));
        Assert.Equal(1, values.GetRequired<int>("wf", "m", s_json));
        Assert.Equal(["m", "n"], values.Names);
    }

    [Fact]
    public void An_optional_input_not_given_takes_the_fallback()
        => Assert.Equal(3, WorkflowInputValues.Empty.GetOptional("wf", "n", s_json, 3));

    [Fact]
    public void An_unknown_name_fails_naming_it_and_the_known_ones()
    {
        var exception = Assert.Throws<WorkflowInputException>(() => Text(("colour", "red")).CheckNames("paint", ["size", "shape"]));
        Assert.Equal("Workflow 'paint' has no input 'colour': its inputs are size, shape.", exception.Message);
        Assert.Equal("colour", exception.InputName);
        Assert.Equal("paint", exception.WorkflowName);

        var none = Assert.Throws<WorkflowInputException>(() => Text(("x", "1")).CheckNames("plain", []));
        Assert.Contains("it has no inputs", none.Message);

        Text(("size", "1")).CheckNames("paint", ["size", "shape"]); // known names pass
    }

    [Fact]
    public void A_missing_required_input_is_named()
    {
        var exception = Assert.Throws<WorkflowInputException>(() => WorkflowInputValues.Empty.GetRequired<int>("deploy", "replicas", s_json));
        Assert.Equal("Workflow 'deploy' needs input 'replicas' (Int32): give it as replicas=<value> or in the inputs file.", exception.Message);
        Assert.Equal("replicas", exception.InputName);
    }

    [Fact]
    public void A_value_not_of_the_type_is_refused_with_what_was_given()
    {
        var text = Assert.Throws<WorkflowInputException>(() => Text(("n", "many")).GetRequired<int>("wf", "n", s_json));
        Assert.Equal("Input 'n' of workflow 'wf' has type Int32: the value given (many) is not a valid Int32.", text.Message);

        var file = Assert.Throws<WorkflowInputException>(() => File("{\"n\": \"many\"}").GetRequired<int>("wf", "n", s_json));
        Assert.StartsWith("Input 'n' of workflow 'wf' has type Int32: the value given (\"many\") is not a valid Int32: ", file.Message);
    }

    [Fact]
    public void Missing_required_inputs_are_all_named_in_one_error()
    {
        WorkflowParameter[] inputs =
        [
            new("customer", "string", IsRequired: true), new("lines", "OrderLine[]", IsRequired: true),
            new("note", "string"), new("express", "bool", IsRequired: true),
        ];

        var exception = Assert.Throws<WorkflowInputException>(() => Text(("lines", "[]")).CheckRequired("orders", inputs));
        Assert.Equal("Workflow 'orders' needs inputs 'customer' (string) and 'express' (bool): give each as name=<value> or in the inputs file.", exception.Message);

        var one = Assert.Throws<WorkflowInputException>(() => Text(("lines", "[]"), ("express", "true")).CheckRequired("orders", inputs));
        Assert.Equal("Workflow 'orders' needs input 'customer' (string): give it as customer=<value> or in the inputs file.", one.Message);

        var three = Assert.Throws<WorkflowInputException>(() => WorkflowInputValues.Empty.CheckRequired("orders", inputs));
        Assert.Contains("needs inputs 'customer' (string), 'lines' (OrderLine[]) and 'express' (bool):", three.Message);

        File("{\"customer\": \"c\", \"lines\": []}", ("express", "false")).CheckRequired("orders", inputs); // all given
    }

    [Fact]
    public void A_json_value_whose_field_does_not_fit_names_the_field()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = OrderJson.Default };
        var text = Assert.Throws<WorkflowInputException>(() =>
            Text(("lines", "[{\"Sku\": \"a\", \"Quantity\": 1}, {\"Sku\": \"b\", \"Quantity\": \"two\"}]")).GetRequired<OrderLine[]>("orders", "lines", options));
        Assert.StartsWith("Input 'lines' of workflow 'orders' has type OrderLine[]: in the value given, 'lines[1].Quantity' is not valid: ", text.Message);
        Assert.DoesNotContain("LineNumber", text.Message);

        var file = Assert.Throws<WorkflowInputException>(() =>
            File("{\"lines\": [{\"Sku\": 5, \"Quantity\": 1}]}").GetRequired<OrderLine[]>("orders", "lines", options));
        Assert.StartsWith("Input 'lines' of workflow 'orders' has type OrderLine[]: in the value given, 'lines[0].Sku' is not valid: ", file.Message);
    }

    [Fact]
    public void A_huge_value_is_cut_in_the_error()
    {
        var huge = new string('9', 50 * 1024 * 1024) + "x";
        var exception = Assert.Throws<WorkflowInputException>(() => Text(("n", huge)).GetRequired<int>("wf", "n", s_json));
        Assert.True(exception.Message.Length < 500, $"{exception.Message.Length} characters");
        Assert.Contains("the value given (" + new string('9', 200) + "... (52428801 characters))", exception.Message);

        var name = new string('n', 10_000);
        var unknown = Assert.Throws<WorkflowInputException>(() => Text((name, "1")).CheckNames("wf", ["n"]));
        Assert.True(unknown.Message.Length < 500, $"{unknown.Message.Length} characters");
    }

    [Fact]
    public void A_type_without_json_metadata_says_to_list_it_in_the_json_context()
    {
        var exception = Assert.Throws<WorkflowInputException>(() => Text(("v", "1.2.3")).GetRequired<Version>("wf", "v", s_json));
        Assert.Contains("Input 'v' of workflow 'wf' has type Version, which has no JSON metadata: list the type in the workflow's json_context", exception.Message);
    }

    [Fact]
    public void Inputs_that_are_not_a_json_object_are_refused()
    {
        using var document = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => new WorkflowInputValues(json: document.RootElement));
    }
}

public sealed record OrderLine(string Sku, int Quantity);

[JsonSerializable(typeof(OrderLine[]))]
internal sealed partial class OrderJson : JsonSerializerContext
{
}
