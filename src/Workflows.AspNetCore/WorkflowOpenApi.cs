using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.AspNetCore;
using Workflows.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Gives the OpenAPI document each workflow's own request and response schema.</summary>
public static class WorkflowOpenApiOptionsExtensions
{
    /// <summary>
    /// Describes the body of each workflow's <c>POST /workflows/{name}/runs</c> as that workflow's <c>Inputs</c> (each
    /// input's name, JSON type, required, default, description) and its <c>201</c> answer with the workflow's
    /// <c>Outputs</c>, from what the generator wrote into the registration at build time: no reflection.
    /// </summary>
    /// <param name="options">The document's options (<c>AddOpenApi(options => options.AddWorkflowSchemas())</c>).</param>
    /// <returns><paramref name="options"/>.</returns>
    public static OpenApiOptions AddWorkflowSchemas(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer(TransformAsync);
        return options;
    }

    private static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata.OfType<WorkflowEndpointMetadata>().FirstOrDefault();
        if (metadata is null)
        {
            return Task.CompletedTask;
        }

        var registration = metadata.Registration;
        operation.OperationId = "start-" + registration.Name;
        operation.Description = registration.Descriptor.Description;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = registration.Inputs.Any(i => i.IsRequired),
            Description = $"The inputs of '{registration.Name}'.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = Record(registration.Name + " inputs", registration.Inputs, inputs: true) },
            },
        };

        var created = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = registration.Name + " run",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["runId"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["workflow"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["url"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["outputs"] = Record(registration.Name + " outputs", registration.Outputs, inputs: false),
                ["error"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
        };
        if (operation.Responses?.TryGetValue("201", out var response) == true && response is OpenApiResponse answer)
        {
            answer.Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = created } };
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Record(string title, IReadOnlyList<WorkflowParameter> parameters, bool inputs)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = title,
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
            Required = new HashSet<string>(StringComparer.Ordinal),
            AdditionalPropertiesAllowed = !inputs,
        };
        foreach (var parameter in parameters)
        {
            schema.Properties[parameter.Name] = Value(parameter.Type, parameter.Description, parameter.DefaultValue);
            if (parameter.IsRequired)
            {
                schema.Required.Add(parameter.Name);
            }
        }

        return schema;
    }

    private static OpenApiSchema Value(string type, string? description, string? defaultValue)
    {
        var schema = new OpenApiSchema { Type = Kind(InputSchema.JsonType(type)), Description = description, Format = Format(type) };
        if (InputSchema.IsNullable(type) && schema.Type is not null)
        {
            schema.Type |= JsonSchemaType.Null;
        }

        if (InputSchema.ItemType(type) is { } item)
        {
            schema.Items = Value(item, null, null);
        }

        if (defaultValue is not null)
        {
            schema.Default = schema.Type is { } kind && kind.HasFlag(JsonSchemaType.String) ? System.Text.Json.Nodes.JsonValue.Create(defaultValue) : Parse(defaultValue);
        }

        schema.Extensions = new Dictionary<string, IOpenApiExtension> { ["x-csharp-type"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(type)) };
        return schema;
    }

    private static System.Text.Json.Nodes.JsonNode? Parse(string text)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return System.Text.Json.Nodes.JsonValue.Create(text);
        }
    }

    private static JsonSchemaType? Kind(string jsonType) => jsonType switch
    {
        "string" => JsonSchemaType.String,
        "integer" => JsonSchemaType.Integer,
        "number" => JsonSchemaType.Number,
        "boolean" => JsonSchemaType.Boolean,
        "array" => JsonSchemaType.Array,
        _ => null, // the app's own type: its shape is its converters' (x-csharp-type names it)
    };

    private static string? Format(string type) => type.TrimEnd('?') switch
    {
        "int" => "int32",
        "long" => "int64",
        "double" => "double",
        "float" => "float",
        "decimal" => "decimal",
        "System.DateTime" or "System.DateTimeOffset" or "DateTime" or "DateTimeOffset" => "date-time",
        "System.DateOnly" or "DateOnly" => "date",
        "System.Guid" or "Guid" => "uuid",
        _ => null,
    };
}
